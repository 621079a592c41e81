import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { card, column, expect, expectAccessible, test, uniqueTitle, watch } from './fixtures';

async function createTask(page: Page, title: string, description = '', status = 'To do') {
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Description').fill(description);
  await form.getByLabel('Status').selectOption({ label: status });
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(card(page, title)).toBeVisible();
}

test.describe('the task board', () => {
  test('creates, edits, moves and deletes a task', async ({ page, problems: _ }) => {
    await page.goto('/');
    const title = uniqueTitle('Write the runbook');
    await createTask(page, title, 'for the on-call rotation');
    await expect(column(page, 'To do').getByRole('heading', { name: title })).toBeVisible();
    await expect(page.getByRole('form', { name: 'New task' }).getByLabel('Title')).toHaveValue('');

    const renamed = `${title} v2`;
    await card(page, title)
      .getByRole('button', { name: `Edit ${title}` })
      .click();
    const editor = page.getByRole('form', { name: `Edit ${title}` });
    await expect(editor.getByLabel('Title')).toBeFocused();
    await editor.getByLabel('Title').fill(renamed);
    await editor.getByLabel('Description').fill('reviewed');
    await editor.getByRole('button', { name: 'Save' }).click();
    await expect(card(page, renamed).getByText('reviewed')).toBeVisible();

    await card(page, renamed)
      .getByLabel(`Status of ${renamed}`)
      .selectOption({ label: 'In progress' });
    await expect(column(page, 'In progress').getByRole('heading', { name: renamed })).toBeVisible();
    await expect(column(page, 'To do').getByRole('heading', { name: renamed })).toHaveCount(0);

    await card(page, renamed)
      .getByRole('button', { name: `Delete ${renamed}` })
      .click();
    const confirm = page.getByRole('alertdialog');
    await expect(confirm.getByRole('button', { name: 'Keep it' })).toBeFocused();
    await confirm.getByRole('button', { name: 'Delete task' }).click();
    await expect(card(page, renamed)).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('region', { name: /^In progress/ })).toBeVisible();
    await expect(card(page, renamed)).toHaveCount(0);
  });

  test('shows the API field error next to the field', async ({ page, problems }) => {
    problems.expectedStatuses.push(400);
    await page.goto('/');
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Title').fill('   ');
    await form.getByRole('button', { name: 'Add task' }).click();
    await expect(form.getByText('must not be empty')).toBeVisible();
    await expect(form.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page);
  });

  test('tells the user about a conflicting edit and reloads the task', async ({
    page,
    context,
    problems,
  }) => {
    problems.expectedStatuses.push(412);
    await page.goto('/');
    const title = uniqueTitle('Shared task');
    await createTask(page, title);

    const other = await context.newPage();
    watch(other, problems);
    await other.goto('/');
    await card(page, title)
      .getByRole('button', { name: `Edit ${title}` })
      .click();
    await card(other, title)
      .getByRole('button', { name: `Edit ${title}` })
      .click();

    const theirs = other.getByRole('form', { name: `Edit ${title}` });
    await theirs.getByLabel('Description').fill('changed in the other tab');
    await theirs.getByRole('button', { name: 'Save' }).click();
    await expect(card(other, title).getByText('changed in the other tab')).toBeVisible();

    const mine = page.getByRole('form', { name: `Edit ${title}` });
    await mine.getByLabel('Description').fill('my change');
    await mine.getByRole('button', { name: 'Save' }).click();
    await expect(mine.getByRole('alert')).toContainText('changed by someone else');
    await expectAccessible(page);
    await mine.getByRole('button', { name: 'Reload task' }).click();
    await expect(mine.getByLabel('Description')).toHaveValue('changed in the other tab');
    await mine.getByLabel('Description').fill('my change, on top of theirs');
    await mine.getByRole('button', { name: 'Save' }).click();
    await expect(card(page, title).getByText('my change, on top of theirs')).toBeVisible();
  });

  test('makes one task from a double-clicked Add', async ({ page, problems: _ }) => {
    await page.goto('/');
    const title = uniqueTitle('Clicked twice');
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Title').fill(title);
    await form.getByRole('button', { name: 'Add task' }).dblclick();
    await expect(card(page, title)).toHaveCount(1);
    const listed = await page.request.get('/api/tasks?limit=100');
    const items = ((await listed.json()) as { items: { title: string }[] }).items;
    expect(items.filter((t) => t.title === title)).toHaveLength(1);
  });

  test('loads more tasks a page at a time', async ({ page, request, problems: _ }) => {
    const prefix = uniqueTitle('Bulk');
    for (let i = 1; i <= 23; i++) {
      const res = await request.post('/api/tasks', {
        data: { title: `${prefix} ${i}`, status: 'done' },
      });
      expect(res.status()).toBe(201);
    }
    await page.goto('/');
    const done = column(page, 'Done');
    await expect(done.getByRole('heading', { name: `${prefix} 23` })).toBeVisible();
    await expect(done.getByRole('heading', { name: `${prefix} 1`, exact: true })).toHaveCount(0);
    await done.getByRole('button', { name: 'Load more done' }).click();
    await expect(done.getByRole('heading', { name: `${prefix} 1`, exact: true })).toBeVisible();
  });

  test('keeps the data across a reload', async ({ page, problems: _ }) => {
    await page.goto('/');
    const title = uniqueTitle('Persistent');
    await createTask(page, title, '', 'Done');
    await page.reload();
    await expect(column(page, 'Done').getByRole('heading', { name: title })).toBeVisible();
  });
});

test.describe('the platform panel', () => {
  test('shows which backend pod and version answered', async ({
    page,
    request,
    problems: _,
  }, testInfo) => {
    const info = (await (await request.get('/api/info')).json()) as {
      pod: string;
      version: string;
    };
    const config = (await (await request.get('/config.json')).json()) as { environment: string };
    await page.goto('/');
    const panel = page.getByRole('complementary', { name: 'Platform' });
    await expect(panel.getByTestId('backend-pod')).toHaveText(info.pod);
    await expect(panel.getByTestId('backend-version')).toHaveText(info.version);
    await expect(panel.getByTestId('database-status')).toContainText('up');
    await expect(panel.getByText(config.environment)).toBeVisible();
    // A refresh every few seconds: the second answer arrives on its own.
    await expect(panel.getByRole('heading', { name: /^Last [2-9] answers$/ })).toBeVisible({
      timeout: 10_000,
    });
    await expect(panel.getByRole('listitem').filter({ hasText: info.pod }).first()).toBeVisible();
    await expect(
      panel.getByRole('img', {
        name: new RegExp(`^Versions among the last \\d+ answers: ${info.version} 100%$`),
      }),
    ).toBeVisible();
    await expect(
      panel.getByRole('img', { name: /^Database latency over the last \d+ answers/ }),
    ).toBeVisible();
    const dir = `test-results/screenshots/${testInfo.project.name}`;
    mkdirSync(dir, { recursive: true });
    await panel.screenshot({ path: `${dir}/platform.png` });
  });
});

test.describe('every screen @phone', () => {
  test('is accessible and gets a screenshot', async ({ page, problems: _ }, testInfo) => {
    const dir = `test-results/screenshots/${testInfo.project.name}`;
    mkdirSync(dir, { recursive: true });
    await page.goto('/');
    const title = uniqueTitle('Screenshot');
    await createTask(page, title, 'A task with a description that wraps on a narrow screen.');
    await expect(page.getByTestId('backend-pod')).toBeVisible();
    await expectAccessible(page);
    await page.screenshot({ path: `${dir}/board.png`, fullPage: true });

    await card(page, title)
      .getByRole('button', { name: `Edit ${title}` })
      .click();
    await expectAccessible(page);
    await page.screenshot({ path: `${dir}/editor.png`, fullPage: true });
    await page.getByRole('button', { name: 'Cancel' }).click();

    await card(page, title)
      .getByRole('button', { name: `Delete ${title}` })
      .click();
    await expectAccessible(page);
    await page.screenshot({ path: `${dir}/confirm-delete.png`, fullPage: true });

    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
