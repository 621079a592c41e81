// Types of tree-checks.mjs, for the TypeScript tests that call it.
export interface TreeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary parsed YAML
  spec?: any;
}

export interface CheckResult {
  name: string;
  problems: string[];
  checked: number;
  summary: string;
}

export interface ChartContents {
  crds: { name: string; group: string; kind: string }[];
  kinds: { kind: string; ifServed?: boolean }[];
  objects: TreeObject[] | null;
}

export const repoRoot: string;
export function readObjects(files: string[]): TreeObject[];
export function recordedContents(name: string): {
  crds: { from: string; when?: string[]; default?: boolean; names: Record<string, string> }[];
  kinds: { kind: string; when?: string[]; default?: boolean; ifServed?: boolean }[];
  provides?: { kind: string; namespace: string; name: string }[];
};
export function contentsOf(
  apps: TreeObject[],
  options: { helm: string; kubeVersion: string },
): Map<string, ChartContents>;
export function checkCrdOrder(
  apps: TreeObject[],
  contents: Map<string, ChartContents>,
): CheckResult;
export function checkCrdOwnership(
  apps: TreeObject[],
  contents: Map<string, ChartContents>,
): CheckResult;
export function checkServerSideApply(
  apps: TreeObject[],
  contents: Map<string, ChartContents>,
): CheckResult;
export function checkNoNulls(apps: TreeObject[]): CheckResult;
export function checkMountedObjects(
  apps: TreeObject[],
  contents: Map<string, ChartContents>,
): CheckResult;
export function runChecks(
  apps: TreeObject[],
  options: { helm: string; kubeVersion: string; names?: string[] },
): CheckResult[];
