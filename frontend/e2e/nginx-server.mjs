// Serves the built SPA with the frontend container's own nginx files (nginx/), run by
// Debian's nginx for the end-to-end tests. Only what differs from the container changes:
// the listen port, the runtime directory (/tmp/nginx there), the njs path, the web root, and
// the access log, which goes to a file the tests read (the test runner's stdout is a socket,
// which nginx cannot open as /dev/stdout). NGINX_SERVER_NAMES and NGINX_TRUSTED_PROXIES
// work as in the container.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = fileURLToPath(new URL('.', import.meta.url));
const source = join(here, '..', 'nginx');
const webRoot = join(here, '..', 'dist');
const port = process.env.NGINX_PORT;
const backendUrl = process.env.BACKEND_URL;
if (!port || !backendUrl) throw new Error('NGINX_PORT and BACKEND_URL are required');

const dir = process.env.NGINX_DIR ?? mkdtempSync(join(tmpdir(), 'tbyte-nginx-'));
mkdirSync(dir, { recursive: true });
chmodSync(dir, 0o755);
mkdirSync(join(dir, 'conf.d'));
mkdirSync(join(dir, 'njs'));

/** As 14-resolver.envsh does: the first nameserver of /etc/resolv.conf. */
function firstNameserver() {
  const [address] = readFileSync('/etc/resolv.conf', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([keyword, value]) => keyword === 'nameserver' && value)
    .map(([, value]) => value);
  if (!address) throw new Error('no nameserver in /etc/resolv.conf');
  return address.includes(':') ? `[${address}]` : address;
}

const relocate = (text) =>
  text
    .replaceAll('/tmp/nginx', dir)
    .replaceAll('/etc/nginx/njs/', `${dir}/njs/`)
    .replace('access_log /dev/stdout json;', `access_log ${dir}/access.log json;`);

writeFileSync(join(dir, 'nginx.conf'), relocate(readFileSync(join(source, 'nginx.conf'), 'utf8')));
copyFileSync(join(source, 'api-key.js'), join(dir, 'njs', 'api-key.js'));
/** As the image's entrypoint does: 16-edge.envsh writes edge-trust.conf and exports the names. */
function sourceEdge() {
  const names = execFileSync(
    'sh',
    ['-c', '. "$0" && printf %s "$NGINX_SERVER_NAMES"', join(source, '16-edge.envsh')],
    { env: { ...process.env, NGINX_RUNTIME_DIR: dir }, encoding: 'utf8' },
  );
  if (!names) throw new Error('16-edge.envsh exported no NGINX_SERVER_NAMES');
  return names;
}

// As the image's envsubst step does: only the defined variables are replaced.
const site = readFileSync(join(source, 'default.conf.template'), 'utf8')
  .replaceAll('${BACKEND_URL}', backendUrl)
  .replaceAll('${NGINX_SERVER_NAMES}', sourceEdge())
  // As 14-resolver.envsh does: a resolver set in the environment wins.
  .replaceAll('${NGINX_RESOLVER}', process.env.NGINX_RESOLVER ?? firstNameserver())
  .replaceAll(/listen 8080( default_server)?;/g, `listen 127.0.0.1:${port}$1;`)
  .replace('root /usr/share/nginx/html;', `root ${webRoot};`);
// NGINX_UPSTREAM_RETRIES=off: the rolling-restart test turns nginx's retry on a refused
// connection off, so what it measures is the backend's drain, not nginx covering for it.
const upstreamRetries =
  process.env.NGINX_UPSTREAM_RETRIES === 'off'
    ? site.replace('proxy_next_upstream error timeout;', 'proxy_next_upstream off;')
    : site;
if (process.env.NGINX_UPSTREAM_RETRIES === 'off' && upstreamRetries === site) {
  throw new Error(
    'NGINX_UPSTREAM_RETRIES=off: no proxy_next_upstream line in default.conf.template',
  );
}
writeFileSync(join(dir, 'conf.d', 'default.conf'), relocate(upstreamRetries));
copyFileSync('/etc/nginx/mime.types', join(dir, 'mime.types'));
symlinkSync('/usr/lib/nginx/modules', join(dir, 'modules'));

execFileSync(join(source, '15-runtime-config.sh'), {
  env: { ...process.env, NGINX_RUNTIME_DIR: dir },
  stdio: 'inherit',
});

// The container runs master and workers as UID 1000; as root here, workers stay root too.
const globals = process.getuid?.() === 0 ? 'daemon off; user root root;' : 'daemon off;';
const nginx = spawn('nginx', ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-g', globals], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => nginx.kill('SIGQUIT'));
nginx.on('exit', (code) => process.exit(code ?? 0));
