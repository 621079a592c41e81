import { expect, test } from '@playwright/test';

/**
 * Run by scripts/cluster-e2e.sh alone (project rollout) while it rolls the backend from one
 * version to the next: the platform panel's picture of who answered shows both versions at
 * once, and its screenshot is kept as the picture of a rolling update.
 */
const [from, to] = (process.env.E2E_ROLLOUT_VERSIONS ?? '').split(',');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('the platform panel shows both versions answering during a rolling update', async ({
  page,
}, testInfo) => {
  if (!from || !to)
    throw new Error('E2E_ROLLOUT_VERSIONS names the old and the new version: OLD,NEW');
  test.setTimeout(300_000);
  await page.goto('/');
  const panel = page.getByRole('complementary', { name: 'Platform' });
  const both = new RegExp(
    `^Versions among the last \\d+ answers: (?=.*${escape(from)} \\d+%)(?=.*${escape(to)} \\d+%)`,
  );
  await expect(panel.getByRole('img', { name: both })).toBeVisible({ timeout: 280_000 });
  await panel.screenshot({ path: testInfo.outputPath('platform-panel-mid-roll.png') });
});
