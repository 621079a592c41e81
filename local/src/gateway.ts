import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/**
 * What nginx does in the frontend container, for the embedded default: the built SPA at /,
 * /api/ proxied to the backend, /config.json from the environment, the probes answered here.
 */
export interface GatewayOptions {
  /** The built frontend (frontend/dist). */
  staticDir: string;
  backendUrl: URL;
  /** The runtime configuration the SPA reads at start. */
  runtimeConfig: Record<string, unknown>;
  /** Added to proxied requests as X-Api-Key, as the frontend's nginx does from its mounted copy. */
  apiKey?: () => string | undefined;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The same policy as the nginx template: the SPA needs no inline script or style. */
export const securityHeaders: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

const probes = new Set(['/health', '/ready', '/startup']);
/** Hop-by-hop headers are the proxy's own, never forwarded. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, {
      ...securityHeaders,
      'Content-Type': type,
      'Cache-Control': 'no-store',
      ...headers,
    })
    .end(body);
}

function proxy(req: IncomingMessage, res: ServerResponse, options: GatewayOptions): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !hopByHop.has(name) && name !== 'x-api-key') headers[name] = value;
  }
  headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress]
    .filter(Boolean)
    .join(', ');
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-host'] = req.headers.host ?? '';
  const key = options.apiKey?.();
  if (key) headers['x-api-key'] = key;
  const upstream = request(
    {
      host: options.backendUrl.hostname,
      port: options.backendUrl.port,
      method: req.method,
      path: req.url,
      headers,
    },
    (answer) => {
      const forwarded: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !hopByHop.has(name)) forwarded[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, forwarded);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(
      res,
      502,
      'application/problem+json',
      JSON.stringify({
        type: 'about:blank',
        title: 'Bad Gateway',
        status: 502,
        detail: 'The backend is not reachable.',
      }),
    );
  });
  req.pipe(upstream);
}

async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  staticDir: string,
  path: string,
): Promise<void> {
  const root = normalize(staticDir) + sep;
  let file = normalize(join(root, decodeURIComponent(path)));
  if (!file.startsWith(root)) {
    send(res, 400, 'text/plain', 'bad path\n');
    return;
  }
  let info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    // The SPA's own routes fall back to index.html; a missing asset is a real 404.
    if (path.startsWith('/assets/') || extname(path) !== '') {
      send(res, 404, 'text/plain', 'not found\n');
      return;
    }
    file = join(root, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      send(res, 503, 'text/plain', 'the frontend is not built: run `pnpm build`\n');
      return;
    }
  }
  const hashed = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    ...securityHeaders,
    'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

export function createGateway(options: GatewayOptions): Server {
  const runtimeConfig = JSON.stringify(options.runtimeConfig);
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/api' || path.startsWith('/api/')) {
      proxy(req, res, options);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain', 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (probes.has(path)) {
      send(res, 200, 'application/json', '{"status":"ok"}');
      return;
    }
    if (path === '/config.json') {
      send(res, 200, 'application/json', runtimeConfig);
      return;
    }
    serveStatic(req, res, options.staticDir, path).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'error\n');
    });
  });
}
