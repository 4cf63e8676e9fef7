import { expect, test } from '@playwright/test';
import { COCALC_URL, HOST_ORIGIN, startStrictDeployment, type StrictDeployment } from '../../support/strict-deployment.js';

// CoCalc up to 2024-10-18 under its strict rules: API v1 (the API guide), sign-in with
// ?auth_token= on the kiosk URL (`url` era), HTTPS on 443, exact iframe_comm_hosts.
let deployment: StrictDeployment;
test.beforeAll(async () => {
  deployment = await startStrictDeployment('classic');
});
test.afterAll(async () => {
  await deployment?.close();
});

test('against a classic CoCalc the backend mints through API v1 and the kiosk signs in from ?auth_token=', async ({ page, context }) => {
  const tokenResponse = page.waitForResponse((r) => r.url().endsWith('/api/cocalc/token'));
  const kioskRequest = page.waitForRequest((r) => r.url().startsWith(`${COCALC_URL}/projects/`));
  await page.goto(`${HOST_ORIGIN}/`);
  const body = (await (await tokenResponse).json()) as { token: string; projectId: string; signIn: string };
  expect(body.signIn).toBe('url');
  expect((await kioskRequest).url()).toBe(
    `${COCALC_URL}/projects/${body.projectId}/files/intro.ipynb?auth_token=${body.token}&session=&fullscreen=kiosk`,
  );
  const nb = page.locator('cocalc-notebook#nb');
  await expect(nb).toHaveJSProperty('state', 'ready');
  const kiosk = page.frameLocator('cocalc-notebook#nb iframe[title]');
  await expect(kiosk.getByRole('heading', { name: 'Introduction to data with Python' })).toBeVisible();
  // CoCalc strips the token from its own address after signing in, and its cookie is the era's.
  const frame = page.frames().find((f) => f.url().startsWith(`${COCALC_URL}/projects/`));
  expect(frame?.url()).not.toContain('auth_token');
  const rememberMe = (await context.cookies(COCALC_URL)).find((c) => c.name === 'remember_me');
  expect(rememberMe?.sameSite).toBe('None');
  expect(rememberMe?.secure).toBe(true);

  await page.getByRole('button', { name: 'Open Lab 1' }).click();
  await expect(kiosk.getByRole('heading', { name: 'Lab 1: the median' })).toBeVisible();
});
