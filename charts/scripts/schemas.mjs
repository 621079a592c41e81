// Writes each chart's values.schema.json and the values table of its README.md from the chart's
// schema sources: charts/NAME/schemas/values.json, whose $refs name other files (the chart's own
// schemas/*.json, or charts/common/schemas/*.json for what the charts share). The written schema
// has every $ref inlined, so Helm validates against one self-contained file.
// `node scripts/schemas.mjs --check` fails, naming the file, when a written file is out of date,
// a $ref names no file, or a chart's values.yaml holds a key the schema does not describe.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const chartsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const problems = [];

// Keys Helm itself adds (the library dependency's values, the global section): described in the
// schema, left out of the README table.
const helmKeys = ['tbyte-common', 'global'];

/** The schema in file with every $ref (a path relative to the referring file) inlined. */
export function bundle(file, seen = []) {
  if (seen.includes(file)) throw new Error(`$ref cycle: ${[...seen, file].join(' -> ')}`);
  if (!existsSync(file))
    throw new Error(
      `${relative(chartsDir, seen.at(-1) ?? file)}: $ref to ${relative(chartsDir, file)}, which does not exist`,
    );
  const inline = (node) => {
    if (Array.isArray(node)) return node.map(inline);
    if (node === null || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string' && !node.$ref.startsWith('#')) {
      const { $ref, ...rest } = node;
      return { ...bundle(resolve(dirname(file), $ref), [...seen, file]), ...inline(rest) };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inline(value)]));
  };
  return inline(JSON.parse(readFileSync(file, 'utf8')));
}

function write(path, content) {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (current === content) return;
  if (check) problems.push(`${path} is out of date: run pnpm --filter @tbyte/charts schemas`);
  else writeFileSync(path, content);
}

/** Rows of the values table: every leaf (or free-form object) with its type and default. */
function rows(schema, values, prefix = '') {
  if (schema.type === 'object' && schema.properties) {
    return Object.entries(schema.properties)
      .filter(([key]) => !helmKeys.includes(key))
      .flatMap(([key, child]) => rows(child, values?.[key], prefix ? `${prefix}.${key}` : key));
  }
  const type = schema.enum
    ? schema.enum.map((v) => `\`${v}\``).join(' \\| ')
    : (schema.type ?? schema.anyOf.map((s) => s.type).join(' or '));
  const shown = JSON.stringify(values ?? null).replaceAll('|', '\\|');
  return [`| \`${prefix}\` | ${type} | \`${shown}\` | ${schema.description} |`];
}

/** Keys of values.yaml the schema does not know (free-form maps and lists excepted). */
function unknownKeys(schema, values, prefix = '') {
  if (schema.type !== 'object' || !schema.properties || typeof values !== 'object' || !values)
    return [];
  return Object.entries(values).flatMap(([key, value]) => {
    const child = schema.properties[key];
    const path = prefix ? `${prefix}.${key}` : key;
    return child ? unknownKeys(child, value, path) : [path];
  });
}

/** The charts with schema sources. */
const charts = readdirSync(chartsDir, { withFileTypes: true })
  .filter(
    (entry) =>
      entry.isDirectory() && existsSync(join(chartsDir, entry.name, 'schemas/values.json')),
  )
  .map((entry) => entry.name)
  .sort();

function generate(name) {
  const dir = join(chartsDir, name);
  const schema = bundle(join(dir, 'schemas/values.json'));
  const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8'));
  for (const key of unknownKeys(schema, values)) {
    problems.push(`${name}/values.yaml: ${key} is not described in ${name}/schemas/`);
  }
  write(join(dir, 'values.schema.json'), `${JSON.stringify(schema, null, 2)}\n`);

  const readmePath = join(dir, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = '<!-- values:start -->';
  const end = '<!-- values:end -->';
  if (!readme.includes(start) || !readme.includes(end)) {
    problems.push(`${readmePath} has no ${start} ... ${end} section`);
    return;
  }
  const table = [
    '| Value | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows(schema, values),
  ].join('\n');
  const before = readme.slice(0, readme.indexOf(start) + start.length);
  const after = readme.slice(readme.indexOf(end));
  write(readmePath, `${before}\n\n${table}\n\n${after}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of charts) {
    try {
      generate(name);
    } catch (error) {
      problems.push(`${name}: ${error.message}`);
    }
  }
  // --min-charts N: fewer charts with schema sources than N means one went missing.
  const minIndex = process.argv.indexOf('--min-charts');
  const min = minIndex === -1 ? 1 : Number(process.argv[minIndex + 1]);
  if (charts.length < min) {
    problems.push(
      `${charts.length} charts have schemas/values.json, fewer than the ${min} expected`,
    );
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(
    `${charts.length} chart schemas (${charts.join(', ')}) and value tables ${check ? 'up to date' : 'written'}`,
  );
}
