import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createProxyServer } from 'http-proxy-3';
import sirv from 'sirv';

/**
 * What nginx does in the frontend container (frontend/nginx/default.conf.template), for the
 * embedded default: the built SPA at /, /api/ proxied to the backend with the service key
 * added, /config.json from the environment, the probes answered here, and any Host that is
 * not one of the app's names refused with 421.
 */
export interface GatewayOptions {
  /** The built frontend (frontend/dist). */
  staticDir: string;
  backendUrl: URL;
  /** The runtime configuration the SPA reads at start. */
  runtimeConfig: Record<string, unknown>;
  /** Added to proxied requests as X-Api-Key, as the frontend's nginx does from its mounted copy. */
  apiKey?: () => string | undefined;
  /**
   * The Host names the app answers to (nginx's server_name), compared without the port. A
   * page on another name that resolves here (DNS rebinding) is refused.
   */
  hosts?: readonly string[];
}

export const defaultHosts = ['localhost', '127.0.0.1', '[::1]', 'tbyte.local'] as const;

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
/** Hop-by-hop headers belong to one connection: never forwarded, in either direction. */
const hopByHop = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
];
/**
 * Decided here, never taken from the client (as nginx does for an untrusted peer): the
 * backend keys its rate limit on X-Forwarded-For, logs under X-Request-Id and joins traces
 * by traceparent.
 */
const decidedHere = ['x-forwarded-for', 'x-request-id', 'traceparent', 'tracestate', 'x-api-key'];

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers })
    .end(body);
}

/** The Host header's name: lower case, without the port (an IPv6 literal keeps its brackets). */
function hostName(host: string | undefined): string {
  const value = (host ?? '').trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.replace(/:\d*$/, '');
}

export function createGateway(options: GatewayOptions): Server {
  const runtimeConfig = JSON.stringify(options.runtimeConfig);
  const hosts = new Set((options.hosts ?? defaultHosts).map((name) => hostName(name)));

  const proxy = createProxyServer({ target: options.backendUrl.origin, xfwd: false });
  proxy.on('proxyReq', (proxyReq, req) => {
    for (const name of [...hopByHop, ...decidedHere]) proxyReq.removeHeader(name);
    // The peer, replacing whatever the client claimed: nothing trusted stands in front of it.
    proxyReq.setHeader('X-Forwarded-For', req.socket.remoteAddress ?? '');
    proxyReq.setHeader('X-Forwarded-Proto', 'http');
    proxyReq.setHeader('X-Forwarded-Host', req.headers.host ?? '');
    const key = options.apiKey?.();
    if (key) proxyReq.setHeader('X-Api-Key', key);
  });
  proxy.on('proxyRes', (proxyRes) => {
    proxyRes.headers = Object.fromEntries(
      Object.entries(proxyRes.headers).filter(([name]) => !hopByHop.includes(name)),
    );
  });
  proxy.on('error', (_error, _req, res) => {
    if (!('writeHead' in res)) return;
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

  // The SPA's own routes fall back to index.html; a missing asset (a path with an extension,
  // or under /assets/) is a real 404.
  const files = sirv(options.staticDir, {
    single: true,
    dev: false,
    etag: true,
    ignores: ['^/assets/'],
    setHeaders: (res, pathname) => {
      res.setHeader(
        'Cache-Control',
        pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const known = hosts.has(hostName(req.headers.host));
    if (known)
      for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    // The probes answer whatever the Host, as in nginx: a kubelet or a script names the address.
    if (probes.has(path) && (req.method === 'GET' || req.method === 'HEAD')) {
      send(res, 200, 'application/json', '{"status":"ok"}');
      return;
    }
    if (!known) {
      send(res, 421, 'text/plain', 'misdirected request: unknown host\n');
      return;
    }
    if (path === '/api' || path.startsWith('/api/')) {
      // The backend's own headers win on its answers.
      for (const name of Object.keys(securityHeaders)) res.removeHeader(name);
      proxy.web(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain', 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (path === '/config.json') {
      send(res, 200, 'application/json', runtimeConfig);
      return;
    }
    files(req, res, () => {
      // sirv serves index.html for every other path: without it, the frontend is not built.
      if (path.startsWith('/assets/') || /\.[^/]*$/.test(path)) {
        send(res, 404, 'text/plain', 'not found\n');
      } else {
        send(res, 503, 'text/plain', 'the frontend is not built: run `pnpm build`\n');
      }
    });
  });
}
