/**
 * Tracing, loaded before the app with `node --import ./dist/telemetry/register.js`, so the
 * http, express and pg modules are instrumented as they load. Off (nothing loaded) unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; the exporter reads the OTEL_* variables itself.
 */
import { register } from 'node:module';
import { onTelemetryFlush } from './flush.js';

const probePaths = new Set(['/health', '/ready', '/startup']);

if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  // Metrics are Prometheus on the metrics port and logs go to stdout: the SDK exports traces only.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';

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
      // Route handlers and routers only: a span per middleware is noise.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      // Queries inside requests only, not the background readiness check.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  onTelemetryFlush(() => sdk.shutdown());
}
