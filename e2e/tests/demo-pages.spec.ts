import { expect, test } from '@playwright/test';
import { resetEmulatorControls } from '../support/emulator-controls.js';

test.afterEach(async () => {
  await resetEmulatorControls();
});

type NotebookHandle = { state: string; projectId?: string; error?: { code: string } };

test('two notebooks in two projects share the page, and the lazy one mints nothing until scrolled to', async ({ page }) => {
  const tokenCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/cocalc/token')) tokenCalls.push(r.postData() ?? '');
  });
  await page.goto('/two.html');
  await expect(page.locator('#left')).toHaveJSProperty('state', 'ready');
  await expect(page.locator('#right')).toHaveJSProperty('state', 'ready');
  const [left, right] = await Promise.all(
    ['#left', '#right'].map((s) => page.locator(s).evaluate((el) => (el as unknown as NotebookHandle).projectId)),
  );
  expect(left).toMatch(/^[0-9a-f-]{36}$/);
  expect(right).toMatch(/^[0-9a-f-]{36}$/);
  expect(left).not.toBe(right);
  await expect(page.frameLocator('#right iframe').getByRole('heading', { name: 'notes.md' })).toBeVisible();

  // Below the fold: no token request and no iframe yet.
  await page.waitForTimeout(500);
  expect(tokenCalls).toHaveLength(2);
  await expect(page.locator('#lazy')).toHaveJSProperty('state', 'idle');
  await expect(page.locator('#lazy iframe')).toHaveCount(0);

  await page.locator('#lazy').scrollIntoViewIfNeeded();
  await expect(page.locator('#lazy')).toHaveJSProperty('state', 'ready');
  expect(tokenCalls).toHaveLength(3);
  await expect(page.locator('#token-count')).toHaveText('3');
  await expect(page.frameLocator('#lazy iframe').getByRole('heading', { name: 'Lab 1: the median' })).toBeVisible();
});

test('the user switcher gives each site user their own CoCalc project', async ({ page }) => {
  await page.goto('/');
  const nb = page.locator('cocalc-notebook#nb');
  await expect(nb).toHaveJSProperty('state', 'ready');
  const alice = await nb.evaluate((el) => (el as unknown as NotebookHandle).projectId);
  await page.locator('#demo-user').selectOption('bob');
  await page.waitForLoadState('load');
  await expect(page.locator('#demo-user')).toHaveValue('bob');
  await expect(nb).toHaveJSProperty('state', 'ready');
  const bob = await nb.evaluate((el) => (el as unknown as NotebookHandle).projectId);
  expect(bob).not.toBe(alice);
  // Back to alice: the backend's mapping gives her the same project again, not a new one.
  await page.locator('#demo-user').selectOption('alice');
  await page.waitForLoadState('load');
  await expect(page.locator('#demo-user')).toHaveValue('alice');
  await expect(nb).toHaveJSProperty('state', 'ready');
  expect(await nb.evaluate((el) => (el as unknown as NotebookHandle).projectId)).toBe(alice);
});

for (const [name, code, recovery] of [
  // Switching the backend back on changes the element's token-endpoint, which reloads it by itself.
  ['backend-down', /TOKEN_UNAVAILABLE|UPSTREAM_ERROR/, 'automatic'],
  ['kiosk-silent', /READY_TIMEOUT/, 'retry'],
  // A fresh token is refused too, so from the page this looks like a kiosk that will not sign in.
  ['token-expired', /TOKEN_EXPIRED|SESSION_BLOCKED/, 'retry'],
] as const) {
  test(`failures page: "${name}" shows the element's error view, and it recovers (${recovery}) once switched off`, async ({ page }) => {
    await page.goto('/failures.html');
    const nb = page.locator('cocalc-notebook#nb');
    await expect(nb).toHaveJSProperty('state', 'ready');

    await page.locator(`input[name="${name}"]`).check();
    await expect(nb).toHaveJSProperty('state', 'error', { timeout: 30_000 });
    expect(await page.locator('cocalc-notebook#nb').evaluate((el) => (el as unknown as NotebookHandle).error?.code)).toMatch(code);
    const errorView = nb.locator('[part~="error"]');
    await expect(errorView).toBeVisible();
    await expect(nb.locator('[part~="hint"]')).not.toBeEmpty();
    await expect(page.locator('#events li[data-kind="error"]').first()).toBeVisible();

    await page.locator(`input[name="${name}"]`).uncheck();
    if (recovery === 'retry') await nb.locator('[part~="retry"]').click();
    await expect(nb).toHaveJSProperty('state', 'ready', { timeout: 30_000 });
    await expect(page.frameLocator('cocalc-notebook#nb iframe').getByRole('heading', { name: 'Introduction to data with Python' })).toBeVisible();
  });
}

test('how it works: the sequence token → iframe → status → open is shown with timings', async ({ page }) => {
  await page.goto('/how-it-works.html');
  await page.getByRole('button', { name: 'Start' }).click();
  const rows = page.locator('#timeline tbody tr');
  await expect(rows.filter({ hasText: 'open lab1.ipynb: done' })).toHaveCount(1, { timeout: 30_000 });
  const steps = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.step));
  // Like a real CoCalc, the emulator's kiosk answers its first status before the document's load, so
  // the element may go from loading straight to ready; 'connecting' shows only when load came first.
  const order = ['element inserted', 'token requested', 'token minted by the backend', 'kiosk iframe created (signing in)',
    ...(steps.includes('kiosk loaded, probing with status') ? ['kiosk loaded, probing with status'] : []),
    'CoCalc answered: ready', 'status reply', 'open lab1.ipynb: done'];
  const positions = order.map((s) => steps.indexOf(s));
  expect(positions.every((p) => p >= 0), `steps seen: ${steps.join(' | ')}`).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  await expect(page.locator('#status-output')).toContainText('intro.ipynb');
  await expect(rows.first().locator('td').nth(1)).toHaveText(/^\d+ ms$/);
});
