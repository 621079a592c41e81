import { mkdirSync } from 'node:fs';
import { card, expect, expectAccessible, test, uniqueTitle } from './fixtures';

const background = (selector: string) => (page: import('@playwright/test').Page) =>
  page
    .locator(selector)
    .first()
    .evaluate((element) => getComputedStyle(element).backgroundColor);

test.describe('dark mode @phone', () => {
  test('follows prefers-color-scheme, stays accessible and gets a screenshot', async ({
    page,
    problems: _,
  }, testInfo) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/');
    const title = uniqueTitle('In the dark');
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Title').fill(title);
    await form.getByRole('button', { name: 'Add task' }).click();
    await expect(card(page, title)).toBeVisible();
    expect(await background('html')(page)).toBe('rgb(243, 244, 246)');
    expect(await background('.column')(page)).toBe('rgb(255, 255, 255)');

    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background('html')(page)).toBe('rgb(17, 24, 39)');
    expect(await background('.column')(page)).toBe('rgb(31, 41, 55)');
    await expect(page.getByTestId('backend-pod')).toBeVisible();
    await expectAccessible(page);
    const dir = `test-results/screenshots/${testInfo.project.name}`;
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: `${dir}/board-dark.png`, fullPage: true });
  });
});
