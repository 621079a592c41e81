// The Terraform stacks parsed into JSON with HashiCorp's own HCL parser (@cdktf/hcl2json), so
// tests assert on the configuration Terraform reads, not on its text.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';

export const terraformDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(terraformDir, '..');

// A parsed stack: the JSON of each of its files (block type -> label(s) -> list of bodies).
// The assertions are what check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed HCL
export type Body = Record<string, any>;
export type Stack = Body[];

export async function parseStack(relative: string): Promise<Stack> {
  const dir = join(terraformDir, relative);
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .sort();
  return Promise.all(
    files.map(async (file) => (await parse(file, readFileSync(join(dir, file), 'utf8'))) as Body),
  );
}

/** Every body found at a path of labels (e.g. ['module', 'eks'] or ['resource', 'aws_s3_bucket', 'x']). */
export function all(stack: Stack, ...path: string[]): Body[] {
  return stack.flatMap((file) => {
    let node: unknown = file;
    for (const key of path) node = (node as Body | undefined)?.[key];
    return Array.isArray(node) ? (node as Body[]) : [];
  });
}

/** The one body at a path of labels. */
export function one(stack: Stack, ...path: string[]): Body {
  const found = all(stack, ...path);
  const [body] = found;
  if (found.length !== 1 || !body)
    throw new Error(`expected one ${path.join('.')}, found ${found.length}`);
  return body;
}

/** Names of the blocks of a kind (modules, variables, outputs...). */
export function labels(stack: Stack, kind: string): string[] {
  return stack.flatMap((file) => Object.keys((file[kind] as Body | undefined) ?? {}));
}

/**
 * An environment's own values, as its root writes them out: the arguments of its platform
 * module call, and the region of its AWS provider.
 */
export async function environmentValues(environment: string): Promise<Body> {
  const root = await parseStack(`envs/${environment}`);
  const region = one(root, 'provider', 'aws').region as string;
  return { ...one(root, 'module', 'platform'), region };
}
