import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';

export interface PageProblems {
  console: string[];
  csp: string[];
  /** HTTP error statuses the test provokes on purpose: Chromium logs each as a console error. */
  expectedStatuses: number[];
}

const resourceError = /^Failed to load resource: the server responded with a status of (\d+)/;

/** Every page records console errors and CSP violations; a test fails if any occurred. */
export const test = base.extend<{ problems: PageProblems }>({
  problems: async ({ page }, use) => {
    const problems: PageProblems = { console: [], csp: [], expectedStatuses: [] };
    watch(page, problems);
    await use(problems);
    const unexpected = problems.console.filter((text) => {
      const status = resourceError.exec(text)?.[1];
      return !(status && problems.expectedStatuses.includes(Number(status)));
    });
    expect(unexpected, 'console errors').toEqual([]);
    expect(problems.csp, 'CSP violations').toEqual([]);
  },
});

export function watch(page: Page, problems: PageProblems): void {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.console.push(message.text());
  });
  page.on('pageerror', (error) => problems.console.push(error.message));
  void page.exposeFunction('__reportCsp', (text: string) => problems.csp.push(text));
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __reportCsp: (t: string) => void }).__reportCsp(
        `${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const severe = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(severe).toEqual([]);
}

export const column = (page: Page, name: string) =>
  page.getByRole('region', { name: new RegExp(`^${name}`) });
export const card = (page: Page, title: string) =>
  page
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: title, exact: true }) });

export function uniqueTitle(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

export { expect };
