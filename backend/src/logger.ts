import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Paths whose values never reach a log line. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'connectionString',
  '*.connectionString',
  'databaseUrl',
  '*.databaseUrl',
  'apiKey',
  '*.apiKey',
];

/** How long a log line may wait in the buffer before it is written. */
export const logFlushMs = 200;

/**
 * stdout, written asynchronously and in blocks of about 4 kB, or after logFlushMs when less
 * came: a request never waits on the pipe to the container runtime, and a line per request
 * costs a write per several requests rather than one each. pino writes out what is buffered
 * when the process exits, a fatal exit included; a process killed outright (SIGKILL, the OOM
 * killer) loses at most the last 4 kB.
 */
function stdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  // Only after something was written: an idle process makes no empty writes.
  let written = false;
  const flushing = setInterval(() => {
    if (!written) return;
    written = false;
    stream.flush();
  }, logFlushMs).unref();
  // A closed stream refuses flush(): pino closes it when the process exits.
  stream.once('close', () => clearInterval(flushing));
  return {
    write(line: string) {
      written = true;
      return stream.write(line);
    },
  };
}

/** The lines of createLogger's loggers, without redaction, for writers that censor their own. */
const uncensored = new WeakMap<Logger, Logger>();

/** One JSON object a line; the active trace and span ids are added when tracing is on. */
export function createLogger(
  options: { level: string; service: string; version: string },
  destination?: DestinationStream,
): Logger {
  const format: LoggerOptions = {
    level: options.level,
    base: { service: options.service, version: options.version },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { traceId, spanId };
    },
  };
  const stream = destination ?? stdout();
  const logger = pino(
    { ...format, redact: { paths: redactedPaths, censor: '[redacted]' } },
    stream,
  );
  uncensored.set(logger, pino(format, stream));
  return logger;
}

/**
 * The same stream, format and level as `logger` without the redaction pass, which costs more
 * than the rest of a line: for the one line per request, whose writer (requestLog) censors the
 * secret headers itself and logs nothing else that could hold a secret. A logger that
 * createLogger did not make is its own.
 */
export function censoredByCaller(logger: Logger): Logger {
  return uncensored.get(logger) ?? logger;
}
