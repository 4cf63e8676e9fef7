import { expect, test } from '@playwright/test';

/**
 * The README's screenshot, taken from the live demo so it stays current: `pnpm screenshot`
 * rewrites docs/demo.png. In an ordinary test run it checks the same view and writes nothing.
 */
test('the course page shows a signed-in notebook with Lab 1 open and a status reply', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 760 });
  await page.goto('/');
  await page.getByRole('button', { name: 'Open Lab 1' }).click();
  const kiosk = page.frameLocator('cocalc-notebook#nb iframe');
  await expect(kiosk.getByRole('heading', { name: 'Lab 1: the median' })).toBeVisible();
  await page.getByRole('button', { name: 'Status' }).click();
  await expect(page.locator('#status-output')).toContainText('lab1.ipynb');
  if (process.env.UPDATE_README_SCREENSHOT) await page.screenshot({ path: 'docs/demo.png' });
});
