// Every pinned version in the tree has a keeper: finds the pins of each kind by its own reading
// of the files (independent of Renovate's managers) and checks that Renovate's extraction
// (`renovate --platform=local --dry-run=extract --report-type=file`) holds each of them, for
// the same file, with a datasource and no skip reason. Prints what it checked per kind; fails
// on a pin no manager sees, and on a kind that finds no pin (a finder that broke).
//
//   node scripts/check-pins.mjs REPORT.json
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [reportPath] = process.argv.slice(2);
if (!reportPath) {
  console.error('usage: node scripts/check-pins.mjs RENOVATE-REPORT.json');
  process.exit(2);
}

const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const repository = Object.values(report.repositories ?? {})[0];
if (!repository?.packageFiles) {
  console.error(`${reportPath}: no repository with packageFiles in the Renovate report`);
  process.exit(1);
}

// What Renovate keeps: file -> the versions and digests of its deps that it can update.
const kept = new Map();
let extracted = 0;
for (const files of Object.values(repository.packageFiles)) {
  for (const file of files) {
    const values = kept.get(file.packageFile) ?? new Set();
    for (const dep of file.deps ?? []) {
      // Without a token the offline extraction marks GitHub-hosted deps; they are still kept.
      if ((dep.skipReason && dep.skipReason !== 'github-token-required') || !dep.datasource)
        continue;
      for (const value of [dep.currentValue, dep.currentDigest, dep.lockedVersion]) {
        if (value) values.add(normalise(value));
      }
      extracted += 1;
    }
    kept.set(file.packageFile, values);
  }
}

// 'v1.2.3' and '1.2.3' are one version; build metadata (pnpm's +sha512 hash) is not compared.
function normalise(value) {
  return String(value)
    .trim()
    .replace(/^v(?=\d)/, '')
    .split('+')[0];
}

const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean);
const read = (file) => readFileSync(file, 'utf8');
const matching = (pattern) => files.filter((file) => pattern.test(file));
// Our own images are tagged by the release workflow (scripts/set-image-tags.mjs), not pinned.
const ownImage = /^tbyte\//;

// Each kind: the files it reads and how it finds (file, name, version) pins in them.
const kinds = [
  {
    kind: 'script *_VERSION lines',
    files: matching(/(^|\/)[^/]+\.sh$|^\.ci\/run$/),
    find: (text) =>
      [
        ...text.matchAll(
          /^\s*(?:export\s+)?([A-Z][A-Z0-9_]*_VERSION)=["']?([^"'\s$(][^"'\s$]*)(?=["'\s]|$)/gm,
        ),
      ].map((m) => [m[1], m[2]]),
  },
  {
    kind: 'Dockerfile base images',
    files: matching(/(^|\/)Dockerfile[^/]*$/),
    find: (text) =>
      [
        ...text.matchAll(
          /^(?:ARG\s+[A-Z_]*IMAGE=|FROM\s+(?:--platform=\S+\s+)?)([^\s$:@]+)[:@]([^\s]+)/gm,
        ),
      ].map((m) => [m[1], m[2]]),
  },
  {
    kind: 'compose images',
    files: matching(/^(docker-compose|compose\.[^/]+)\.ya?ml$/),
    find: (text) =>
      [...text.matchAll(/^\s*image:\s*["']?([^"'\s:@$]+)[:@]([^"'\s$]+)["']?\s*$/gm)]
        .filter((m) => !ownImage.test(m[1]))
        .map((m) => [m[1], m[2]]),
  },
  {
    kind: 'GitHub Actions',
    files: matching(/^\.github\/.+\.ya?ml$/),
    find: (text) =>
      [...text.matchAll(/uses:\s*([^\s@.][^\s@]*)@([0-9a-f]{40})/g)].map((m) => [m[1], m[2]]),
  },
  {
    kind: 'package.json dependencies',
    files: matching(/(^|\/)package\.json$/),
    find: (text) => {
      const manifest = JSON.parse(text);
      const pins = [];
      for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
        for (const [name, version] of Object.entries(manifest[field] ?? {})) {
          if (!version.startsWith('workspace:')) pins.push([name, version]);
        }
      }
      if (manifest.packageManager) {
        const [name, version] = manifest.packageManager.split('@');
        pins.push([name, version.split('+')[0]]);
      }
      return pins;
    },
  },
  {
    kind: 'Go module requirements',
    files: matching(/^hack\/[^/]+\/go\.mod$/),
    find: (text) => {
      const pins = [];
      for (const [, body] of text.matchAll(/^require \(\n([\s\S]*?)^\)/gm)) {
        for (const m of body.matchAll(/^\s*(\S+)\s+(v\S+)/gm)) pins.push([m[1], m[2]]);
      }
      for (const m of text.matchAll(/^require\s+(\S+)\s+(v\S+)/gm)) pins.push([m[1], m[2]]);
      // A replace to a published module pins that module's version.
      for (const [, body] of text.matchAll(/^replace \(\n([\s\S]*?)^\)/gm)) {
        for (const m of body.matchAll(/=>\s*(\S+)\s+(v\S+)/gm)) pins.push([m[1], m[2]]);
      }
      for (const m of text.matchAll(/^replace\s+\S+(?:\s+v\S+)?\s+=>\s*(\S+)\s+(v\S+)/gm)) {
        pins.push([m[1], m[2]]);
      }
      // Go's zero pseudo-version marks a requirement its replace decides: not a pin of its own.
      return pins.filter(([, version]) => version !== 'v0.0.0-00010101000000-000000000000');
    },
  },
  {
    kind: 'chart images in values',
    files: matching(/^charts\/[^/]+\/values\.yaml$/),
    find: (text) =>
      [...text.matchAll(/^\s*repository:\s*(\S+)\n\s*tag:\s*["']?([^"'\s]+)["']?/gm)]
        .filter((m) => !ownImage.test(m[1]))
        .map((m) => [m[1], m[2]]),
  },
  {
    kind: 'Argo CD add-on charts',
    files: matching(/^argocd-apps\/addons\/[^/]+\.yaml$/),
    find: (text) =>
      [...text.matchAll(/^\s+chart:\s*(\S+)\n(?:\s+#.*\n)*\s+version:\s*(\S+)/gm)].map((m) => [
        m[1],
        m[2],
      ]),
  },
  {
    kind: 'Terraform modules and providers',
    files: matching(/^terraform\/.+\.tf$/),
    find: (text) =>
      [...text.matchAll(/^\s*(?:source\s*=\s*"([^"]+)"\s*\n\s*)version\s*=\s*"(\d[^"]*)"/gm)].map(
        (m) => [m[1], m[2]],
      ),
  },
  {
    kind: 'CRD source modules',
    files: matching(/^hack\/kube-validate\/crd-sources\.txt$/),
    find: (text) =>
      [...text.matchAll(/^([a-z0-9.]+\.[a-z]+\/\S+) (v\d\S*) h1:/gm)].map((m) => [m[1], m[2]]),
  },
  {
    kind: 'the Kubernetes version pin',
    files: matching(/^hack\/k8s\/kubernetes-version\.json$/),
    find: (text) => [['kubernetes', JSON.parse(text).version]],
  },
];

const problems = [];
const summary = [];
let total = 0;
for (const { kind, files: kindFiles, find } of kinds) {
  let count = 0;
  for (const file of kindFiles) {
    for (const [name, version] of find(read(file))) {
      count += 1;
      if (!kept.get(file)?.has(normalise(version))) {
        problems.push(`${file}: ${name} ${version} is pinned but no Renovate manager keeps it`);
      }
    }
  }
  if (count === 0) problems.push(`${kind}: no pin found (the finder or the files changed)`);
  summary.push(`${count} ${kind} in ${kindFiles.length} files`);
  total += count;
}

for (const problem of problems) console.error(problem);
console.log(
  `${total} pins checked against ${extracted} dependencies Renovate extracts: ${summary.join('; ')}`,
);
process.exit(problems.length > 0 ? 1 : 0);
