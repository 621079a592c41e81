// Writes the image tags of an environment (argocd-apps/envs/ENV/images.yaml), the file Argo CD
// deploys from: the release workflow after a merge, and promotion, which copies the tags that
// ran in one environment into another. A YAML tool, so comments and layout survive.
//
//   node scripts/set-image-tags.mjs dev backend=<git sha> frontend=<git sha>
//   node scripts/set-image-tags.mjs prod --from dev
//
// Refuses (exit 1, writing nothing) an unknown environment or app, or a tag that is not a git
// SHA; prints what changed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, parseDocument } from 'yaml';

const envsDir =
  process.env.TBYTE_ENVS_DIR ??
  join(dirname(fileURLToPath(import.meta.url)), '../argocd-apps/envs');
const apps = ['backend', 'frontend'];
// e2e: the cluster of scripts/argocd-e2e.sh, released to through this same path.
const environments = ['dev', 'prod', 'e2e'];
const sha = /^[0-9a-f]{40}$/;

function fail(message) {
  console.error(`set-image-tags: ${message}`);
  process.exit(1);
}

const [environment, ...rest] = process.argv.slice(2);
if (!environments.includes(environment ?? ''))
  fail(`usage: set-image-tags.mjs ${environments.join('|')} (APP=SHA... | --from ENV)`);

const pathOf = (env) => join(envsDir, env, 'images.yaml');
function load(env) {
  const path = pathOf(env);
  if (!existsSync(path)) {
    const document = new Document({ images: {} });
    document.commentBefore = ` Image tags of ${env} (git SHAs), written by scripts/set-image-tags.mjs from the release\n workflow; Argo CD deploys what this file says.`;
    return document;
  }
  const document = parseDocument(readFileSync(path, 'utf8'));
  if (document.errors.length > 0) fail(`${path}: ${document.errors[0].message}`);
  return document;
}

const wanted = {};
if (rest[0] === '--from') {
  const source = rest[1] ?? '';
  if (!environments.includes(source) || source === environment)
    fail(`--from needs another environment (got '${source}')`);
  if (!existsSync(pathOf(source))) fail(`${pathOf(source)} does not exist: nothing to promote`);
  const images = load(source).toJS()?.images ?? {};
  for (const app of apps) {
    if (!images[app]) fail(`${source} has no tag for ${app}`);
    wanted[app] = String(images[app]);
  }
} else {
  if (rest.length === 0) fail('no APP=SHA given');
  for (const pair of rest) {
    const [app, tag] = pair.split('=');
    if (!apps.includes(app ?? '')) fail(`unknown app '${app}' (${apps.join(', ')})`);
    wanted[app] = tag ?? '';
  }
}
for (const [app, tag] of Object.entries(wanted)) {
  if (!sha.test(tag)) fail(`${app}: '${tag}' is not a git SHA (40 lowercase hex digits)`);
}

const document = load(environment);
for (const [app, tag] of Object.entries(wanted)) {
  const before = document.getIn(['images', app]);
  document.setIn(['images', app], tag);
  console.log(`${environment} ${app}: ${before ?? '(none)'} -> ${tag}`);
}
writeFileSync(pathOf(environment), document.toString());
