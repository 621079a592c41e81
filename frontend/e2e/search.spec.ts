import { card, column, expect, test } from './fixtures';

test.describe('searching the board', () => {
  test('shows only the tasks whose words start with what was typed, column by column', async ({
    page,
    request,
    problems: _,
  }) => {
    // Words no other test writes, so the matches are exactly these.
    const word = `zeta${Date.now().toString(36)}`;
    const todo = `Plan ${word}alpha`;
    const done = `Ship it`;
    const other = `Unrelated ${Date.now().toString(36)}`;
    await request.post('/api/tasks', { data: { title: todo } });
    await request.post('/api/tasks', {
      data: { title: done, description: `the ${word}beta release`, status: 'done' },
    });
    await request.post('/api/tasks', { data: { title: other } });
    await page.goto('/');
    await expect(card(page, other)).toBeVisible();

    const box = page.getByRole('searchbox', { name: 'Search tasks' });
    await box.fill(word);
    await expect(column(page, 'To do').getByRole('heading', { name: todo })).toBeVisible();
    await expect(column(page, 'Done').getByRole('heading', { name: done })).toHaveCount(1);
    await expect(card(page, other)).toHaveCount(0);
    await expect(column(page, 'In progress')).toContainText(`No task here matches “${word}”.`);
    await expect(column(page, 'To do').getByRole('listitem')).toHaveCount(1);

    await box.fill(`${word}beta`);
    await expect(card(page, todo)).toHaveCount(0);
    await expect(card(page, done)).toBeVisible();

    await box.fill('');
    await expect(card(page, other)).toBeVisible();
    await expect(card(page, todo)).toBeVisible();
  });
});
