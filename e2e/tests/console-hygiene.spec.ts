import { expect, test, type ConsoleMessage } from '@playwright/test';

const KIOSK = 'http://localhost:5180';

// What the browser itself reports to the console (Playwright sees Chromium's own warnings, not only
// console.* calls): a product that posts to the kiosk frame before it left its initial about:blank
// earns "Failed to execute 'postMessage' on 'DOMWindow': The target origin provided … does not
// match the recipient window's origin" several times per load; an iframe whose own about:blank is
// created sandboxed with allow-scripts + allow-same-origin earns "can escape its sandboxing".
test('the course page logs no warning or error: no postMessage before the frame shows CoCalc, no sandbox warning', async ({ page }) => {
  const noise: string[] = [];
  const keep = (message: ConsoleMessage): void => {
    if (message.type() !== 'warning' && message.type() !== 'error') return;
    const text = message.text();
    const where = message.location().url;
    // Not the product's: Lit's notice in the Vite dev build, the demo site's missing favicon, and
    // whatever CoCalc (here the emulator) logs inside its own frame.
    if (/Lit is in dev mode/.test(text) || /favicon\.ico/.test(where) || where.startsWith(KIOSK)) return;
    noise.push(`${message.type()}: ${text} (${message.location().url})`);
  };
  page.on('console', keep);
  page.on('pageerror', (error) => noise.push(`pageerror: ${error.message}`));

  await page.goto('/');
  const nb = page.locator('cocalc-notebook#nb');
  await expect(nb).toHaveJSProperty('state', 'ready');
  const kiosk = page.frameLocator('cocalc-notebook#nb iframe[title]');
  await expect(kiosk.getByRole('heading', { name: 'Introduction to data with Python' })).toBeVisible();

  // A second session in a new frame (the host's Reload button): a new about:blank, the same rules.
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(nb).toHaveJSProperty('state', 'ready');
  await expect(kiosk.getByRole('heading', { name: 'Introduction to data with Python' })).toBeVisible();
  await page.getByRole('button', { name: 'Status' }).click();
  await page.waitForTimeout(500); // let late warnings of the reload arrive

  expect(noise.filter((line) => /postMessage/.test(line)), 'postMessage warnings').toEqual([]);
  expect(noise).toEqual([]);
});
