import type { Page } from '@playwright/test';
import { card, column, expect, expectAccessible, test, uniqueTitle } from './fixtures';

async function createTask(page: Page, title: string) {
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill(title);
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(column(page, 'To do').getByRole('heading', { name: title })).toBeVisible();
}

/** What dnd-kit last said to screen readers (its polite live region). */
const announcement = (page: Page) => page.locator('[id^="DndLiveRegion"]');

test.describe('drag and drop on the board', () => {
  test('moves a task by dragging its handle to another column', async ({ page, problems: _ }) => {
    await page.goto('/');
    const title = uniqueTitle('Drag me');
    await createTask(page, title);
    const handle = card(page, title).getByRole('button', { name: `Move ${title}` });
    await expect(handle).toBeVisible();
    await expectAccessible(page);

    const from = await handle.boundingBox();
    const to = await column(page, 'Done').boundingBox();
    if (!from || !to) throw new Error('the handle or the column has no box');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + 80, { steps: 12 });
    await page.mouse.up();

    await expect(column(page, 'Done').getByRole('heading', { name: title })).toBeVisible();
    await expect(column(page, 'To do').getByRole('heading', { name: title })).toHaveCount(0);
    await expect(announcement(page)).toHaveText(`${title} was moved to Done.`);
    await page.reload();
    await expect(column(page, 'Done').getByRole('heading', { name: title })).toBeVisible();
  });

  test('moves a task with the keyboard, saying each step to screen readers', async ({
    page,
    problems: _,
  }) => {
    await page.goto('/');
    const title = uniqueTitle('Keyboard me');
    await createTask(page, title);
    const handle = card(page, title).getByRole('button', { name: `Move ${title}` });
    await expect(handle).toHaveAttribute('aria-roledescription', 'draggable');
    const instructions = await handle.getAttribute('aria-describedby');
    await expect(page.locator(`[id="${instructions}"]`)).toContainText('press Space');

    await handle.focus();
    await page.keyboard.press('Space');
    await expect(announcement(page)).toHaveText(`Picked up ${title} from To do.`);
    await page.keyboard.press('ArrowRight');
    await expect(announcement(page)).toHaveText(`${title} is over In progress.`);
    await page.keyboard.press('Space');
    await expect(announcement(page)).toHaveText(`${title} was moved to In progress.`);
    await expect(column(page, 'In progress').getByRole('heading', { name: title })).toBeVisible();

    // Escape puts it back where it was.
    const moved = card(page, title).getByRole('button', { name: `Move ${title}` });
    await moved.focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Escape');
    await expect(announcement(page)).toHaveText(
      `Moving ${title} was cancelled; it stays in In progress.`,
    );
    await expect(column(page, 'In progress').getByRole('heading', { name: title })).toBeVisible();
    await expectAccessible(page);
  });
});
