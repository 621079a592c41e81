import type { Browser, Page } from '@playwright/test';
import { card, column, expect, test, uniqueTitle, watch, type PageProblems } from './fixtures';

const live = { timeout: 1_000 };

interface Viewer {
  page: Page;
  problems: PageProblems;
  /** GET /api/tasks requests (list refetches) since the last reset. */
  listRequests: string[];
  /** Event streams opened since the last reset (each open refetches the three lists once). */
  streams: string[];
  /** Forgets the requests seen so far. */
  reset: () => void;
  close: () => Promise<void>;
}

/**
 * A person of their own (a browser context of its own) on the board, once its event stream is
 * open and the refetch its ready event asks for is done.
 */
async function openBoard(browser: Browser): Promise<Viewer> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: PageProblems = { console: [], csp: [], expectedStatuses: [] };
  watch(page, problems);
  const listRequests: string[] = [];
  const streams: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/tasks') listRequests.push(url.search);
    if (url.pathname === '/api/tasks/events') streams.push(url.search);
  });
  const stream = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/tasks/events');
  await page.goto('/');
  expect((await stream).status()).toBe(200);
  // The three columns' load (sent again if the stream's ready event came while it was in
  // flight), then nothing in flight.
  await expect.poll(() => listRequests.length).toBeGreaterThanOrEqual(3);
  await expect(page.getByRole('region', { name: /^(To do|In progress|Done)/ })).toHaveCount(3);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  return {
    page,
    problems,
    listRequests,
    streams,
    reset: () => {
      listRequests.length = 0;
      streams.length = 0;
    },
    close: async () => {
      expect(problems.console, 'console errors').toEqual([]);
      expect(problems.csp, 'CSP violations').toEqual([]);
      await context.close();
    },
  };
}

test.describe('the live board', () => {
  test("two people see each other's create, move and delete within a second, with no refetch", async ({
    browser,
  }) => {
    const alice = await openBoard(browser);
    const bob = await openBoard(browser);
    /** Bob asked for no list but once per stream his board had to open again. */
    const noRefetch = () =>
      expect(bob.listRequests.length, `${bob.streams.length} streams reopened`).toBeLessThanOrEqual(
        3 * bob.streams.length,
      );
    alice.reset();
    bob.reset();

    const title = uniqueTitle('Seen live');
    const form = alice.page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Title').fill(title);
    await form.getByRole('button', { name: 'Add task' }).click();
    await expect(column(bob.page, 'To do').getByRole('heading', { name: title })).toBeVisible(live);
    noRefetch();

    await card(bob.page, title)
      .getByLabel(`Status of ${title}`)
      .selectOption({ label: 'In progress' });
    await expect(
      column(alice.page, 'In progress').getByRole('heading', { name: title }),
    ).toBeVisible(live);
    await expect(column(alice.page, 'To do').getByRole('heading', { name: title })).toHaveCount(
      0,
      live,
    );

    // Bob's own move refreshed his lists; once they are in, Alice deletes.
    await expect(bob.page.locator('[aria-busy="true"]')).toHaveCount(0);
    bob.reset();
    await card(alice.page, title)
      .getByRole('button', { name: `Delete ${title}` })
      .click();
    await alice.page.getByRole('alertdialog').getByRole('button', { name: 'Delete task' }).click();
    await expect(card(bob.page, title)).toHaveCount(0, live);

    // Bob's board followed Alice's create and delete without asking for a list.
    noRefetch();
    await alice.close();
    await bob.close();
  });

  test('a stream a draining backend refused reconnects and resyncs: what changed meanwhile shows', async ({
    browser,
    request,
  }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: PageProblems = { console: [], csp: [], expectedStatuses: [] };
    watch(page, problems);
    // Every backend answers as a pod in its grace period does: EventSource gives up on a 503.
    let refused = 0;
    await page.route('**/api/tasks/events', (route) => {
      refused += 1;
      return route.fulfill({
        status: 503,
        headers: { 'Retry-After': '1' },
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 503, detail: 'This backend is shutting down.' }),
      });
    });
    await page.goto('/');
    await expect(page.getByRole('region', { name: /^To do/ })).toBeVisible();
    await expect.poll(() => refused).toBeGreaterThanOrEqual(1);
    // The columns' first load is done before the task is made, so only a resync can show it.
    await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);

    const missed = uniqueTitle('Made while refused');
    expect((await request.post('/api/tasks', { data: { title: missed } })).status()).toBe(201);
    await page.waitForTimeout(500);
    await expect(card(page, missed)).toHaveCount(0);

    const reconnected = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/tasks/events' && r.status() === 200,
    );
    await page.unroute('**/api/tasks/events');
    await reconnected;
    await expect(card(page, missed)).toBeVisible(live);

    const after = uniqueTitle('After the reconnect');
    await request.post('/api/tasks', { data: { title: after } });
    await expect(card(page, after)).toBeVisible(live);
    const unexpected = problems.console.filter((text) => !text.includes('status of 503'));
    expect(unexpected, 'console errors').toEqual([]);
    expect(problems.csp, 'CSP violations').toEqual([]);
    await context.close();
  });
});
