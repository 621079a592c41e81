// The service key for /api requests: read from API_KEY_FILE (a Vault secret mounted by the
// Secrets Store CSI driver) on each request, so a rotated key is used at once. Empty when
// the variable is unset, and nginx then sends no X-Api-Key header at all. Only the current key:
// the backend accepts the next one too, so a rotation moves what nginx sends only after every
// backend knows it (docs/runbooks/service-key-rotation.md).
import fs from 'fs';

function value(r) {
  const path = process.env.API_KEY_FILE;
  if (!path) return '';
  try {
    return fs.readFileSync(path, 'utf8').trim();
  } catch (e) {
    r.error(`cannot read API_KEY_FILE ${path}: ${e.message}`);
    return '';
  }
}

export default { value };
