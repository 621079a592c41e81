import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** Port 9090 serves /metrics and nothing else; it is never routed from the ingress. */
export function createMetricsServer(registry: Registry): Server {
  return createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    registry
      .metrics()
      .then((body) => {
        res
          .writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' })
          .end(body);
      })
      .catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${String(error)}\n`);
      });
  });
}
