import { expect, test } from '@playwright/test';
import { COCALC_URL, HOST_ORIGIN, OTHER_ORIGIN, startStrictDeployment, type StrictDeployment } from '../../support/strict-deployment.js';

let deployment: StrictDeployment;
test.beforeAll(async () => {
  deployment = await startStrictDeployment();
});
test.afterAll(async () => {
  await deployment?.close();
});

test('under CoCalc\'s strict rules the element signs in through /auth/impersonate and drives the kiosk', async ({ page, context }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  const impersonate = page.waitForRequest((r) => r.url().startsWith(`${COCALC_URL}/auth/impersonate?auth_token=`));
  const tokenResponse = page.waitForResponse((r) => r.url().endsWith('/api/cocalc/token'));
  const revoke = page.waitForResponse((r) => r.url().endsWith('/api/cocalc/token/revoke'));
  await page.goto(`${HOST_ORIGIN}/`);
  await impersonate;
  const { token } = (await (await tokenResponse).json()) as { token: string };
  const nb = page.locator('cocalc-notebook#nb');
  await expect(nb).toHaveJSProperty('state', 'ready');
  const kiosk = page.frameLocator('cocalc-notebook#nb iframe[title]');
  await expect(kiosk.getByRole('heading', { name: 'Introduction to data with Python' })).toBeVisible();

  // The sign-in cookie is CoCalc's, SameSite=Strict, and it works because the two hosts are one site.
  const cookies = await context.cookies(COCALC_URL);
  const rememberMe = cookies.find((c) => c.name === 'remember_me');
  expect(rememberMe?.sameSite).toBe('Strict');
  expect(rememberMe?.httpOnly).toBe(true);

  // The `impersonate` era: the kiosk URL carries no token, and no frame keeps the impersonate URL.
  const frames = await nb.evaluate((el) => [...el.shadowRoot!.querySelectorAll('iframe')].map((f) => f.src + (f.getAttribute('src') ?? '')));
  expect(frames.join(' ')).not.toContain('auth_token');

  // Signed in, the element had the backend revoke the token (docs/threat-model.md#token-in-the-url): whoever saw its URL gets nothing.
  expect((await revoke).status()).toBe(200);
  const other = await context.browser()!.newContext({ ignoreHTTPSErrors: true });
  const stranger = await other.newPage();
  await stranger.goto(`${COCALC_URL}/auth/impersonate?auth_token=${token}`);
  await expect(stranger.locator('body')).toContainText('unknown or expired token');
  await other.close();

  await page.getByRole('button', { name: 'Open Lab 1' }).click();
  await expect(kiosk.getByRole('heading', { name: 'Lab 1: the median' })).toBeVisible();
  await page.getByRole('button', { name: 'Close all' }).click();
  await expect(kiosk.getByRole('heading', { name: 'CoCalc', exact: true })).toBeVisible();
  expect(violations).toEqual([]);
  await page.getByRole('button', { name: 'Diagnose' }).click();
  await expect(page.locator('#diagnosis li')).toHaveCount(1);
  await expect(page.locator('#diagnosis li')).toHaveAttribute('data-id', 'ok');
});

test('a host CSP without CoCalc in frame-src: the frame is refused and diagnose names the CSP', async ({ page }) => {
  await page.goto(`${HOST_ORIGIN}/no-frame-src`);
  const nb = page.locator('cocalc-notebook#nb');
  await expect(nb).toHaveJSProperty('state', 'error', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Diagnose' }).click();
  await expect(page.locator('#diagnosis li[data-id="csp"]')).toContainText(`frame-src ${COCALC_URL}`);
});

test('a host page whose origin is not in iframe_comm_hosts gets no answer, and the element says so', async ({ page }) => {
  // Same site, same backend, same token: only the origin differs from the allowed learn.example.com.
  await page.goto(`${OTHER_ORIGIN}/`);
  const nb = page.locator('cocalc-notebook#nb');
  // CoCalc drops blocked origins silently: the kiosk itself loads, it just never answers. (Like a
  // real CoCalc, the kiosk shows only its banner until the host's `open`, which never gets through.)
  await expect(page.frameLocator('cocalc-notebook#nb iframe[title]').getByText('Kiosk mode')).toBeVisible();
  await expect(nb).toHaveJSProperty('state', 'error', { timeout: 30_000 });
  expect(await nb.evaluate((el) => (el as unknown as { error: { code: string } }).error.code)).toBe('READY_TIMEOUT');
  await expect(nb.locator('[part~="hint"]')).toContainText('iframe_comm_hosts');
  await page.getByRole('button', { name: 'Diagnose' }).click();
  await expect(page.locator('#diagnosis li[data-id="no-answer"]')).toContainText('"other.example.com"');
});
