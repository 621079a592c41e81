export {
  startEmbeddedPostgres,
  type RunningPostgres,
  type EmbeddedPostgresOptions,
} from './embedded-postgres.js';
export { freePort } from './free-port.js';
export {
  spawnBackend,
  backendDir,
  type BackendProcess,
  type SpawnBackendOptions,
} from './backend-process.js';
export { chromiumLaunchOptions } from './chromium.js';
