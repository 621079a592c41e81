/**
 * Tracing, loaded before the app with `node --import ./dist/telemetry/register.js`, so the
 * http, express and pg modules are instrumented as they load. Off (nothing loaded) unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; the exporter reads the OTEL_* variables itself.
 */
import { register } from 'node:module';
import { onTelemetryFlush } from './flush.js';

const probePaths = new Set(['/health', '/ready', '/startup']);
/** The share of the traces that start here which are recorded, unless OTEL_TRACES_SAMPLER_ARG says. */
const defaultSampleRatio = 0.1;

if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  // Metrics are Prometheus on the metrics port and logs go to stdout: the SDK exports traces only.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  // Head sampling (docs/decisions/0017-trace-sampling.md): a request that arrives with a trace
  // context follows its caller's decision; one that starts a trace is recorded one time in ten,
  // by its trace id. The others cost a trace id, which the logs still carry.
  process.env.OTEL_TRACES_SAMPLER ??= 'parentbased_traceidratio';
  process.env.OTEL_TRACES_SAMPLER_ARG ??= String(defaultSampleRatio);

  const [
    { NodeSDK },
    { OTLPTraceExporter },
    { HttpInstrumentation },
    { ExpressInstrumentation, ExpressLayerType },
    { PgInstrumentation },
    { resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/resources'),
  ]);

  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME?.trim() || 'tbyte-backend',
    resource: resourceFromAttributes({
      'service.version': process.env.APP_VERSION ?? 'unknown',
      'vcs.ref.head.revision': process.env.GIT_SHA ?? 'unknown',
    }),
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => probePaths.has(req.url?.split('?')[0] ?? ''),
      }),
      // Route handlers only: a span per middleware or router is noise (the handler's span and
      // the HTTP span carry the route).
      new ExpressInstrumentation({
        ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER],
      }),
      // Queries inside requests only, not the background readiness check, and no span for
      // taking a pooled connection (db_pool_clients shows the pool).
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ],
  });
  sdk.start();
  onTelemetryFlush(() => sdk.shutdown());
}
