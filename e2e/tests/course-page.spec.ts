import { expect, test, type Page } from '@playwright/test';
import { resetEmulatorControls, setEmulatorControls } from '../support/emulator-controls.js';

const KIOSK = 'http://localhost:5180';

/** Records, inside the cross-origin kiosk frame, every message it receives (data and origin). */
async function recordKioskInbox(page: Page): Promise<() => Promise<Array<{ data: unknown; origin: string }>>> {
  const frame = page.frames().find((f) => f.url().startsWith(`${KIOSK}/projects/`));
  if (!frame) throw new Error('kiosk frame not found');
  await frame.evaluate(() => {
    const w = window as unknown as { __inbox: unknown[] };
    w.__inbox = [];
    window.addEventListener('message', (e) => w.__inbox.push({ data: e.data as unknown, origin: e.origin }));
  });
  return () => frame.evaluate(() => (window as unknown as { __inbox: Array<{ data: unknown; origin: string }> }).__inbox);
}

test.afterEach(async () => {
  await resetEmulatorControls();
});

test('the backend mints a token, the kiosk signs in through /auth/impersonate and then loads CoCalc\'s own kiosk URL', async ({ page }) => {
  // `pnpm start` plays the CoCalc users run today (modern generation); the strict project covers
  // the classic one (?auth_token= on the kiosk URL).
  const tokenResponse = page.waitForResponse((r) => r.url().endsWith('/api/cocalc/token'));
  const impersonate = page.waitForRequest((r) => r.url().startsWith(`${KIOSK}/auth/impersonate?auth_token=`));
  const kioskRequest = page.waitForRequest((r) => r.url().startsWith(`${KIOSK}/projects/`));
  await page.goto('/');

  const response = await tokenResponse;
  expect(response.status()).toBe(200);
  expect(response.headers()['cache-control']).toContain('no-store');
  const body = (await response.json()) as { token: string; projectId: string; expiresIn: number };
  expect(body.token).toMatch(/^[A-Za-z0-9]{24}$/);
  expect(body).toMatchObject({ cocalcUrl: KIOSK, path: 'intro.ipynb', signIn: 'impersonate' });
  expect(body.projectId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  // The session the sign-in gives (12 h), not the token's own 24 h.
  expect(body.expiresIn).toBeGreaterThan(12 * 3600 - 60);
  expect(body.expiresIn).toBeLessThanOrEqual(12 * 3600);

  expect((await impersonate).url()).toBe(`${KIOSK}/auth/impersonate?auth_token=${body.token}`);
  // CoCalc's own kiosk URL form, with no token in it.
  expect((await kioskRequest).url()).toBe(`${KIOSK}/projects/${body.projectId}/files/intro.ipynb?session=&fullscreen=kiosk`);

  const nb = page.locator('cocalc-notebook#nb');
  await expect(nb).toHaveJSProperty('state', 'ready');
  const kiosk = page.frameLocator('cocalc-notebook#nb iframe');
  await expect(kiosk.getByRole('heading', { name: 'Introduction to data with Python' })).toBeVisible();
  expect(page.frames().map((f) => f.url()).join(' ')).not.toContain('auth_token');
});

test('host buttons open, query and close files with CoCalc\'s open/status/closeall messages', async ({ page }) => {
  const repliesToPage: unknown[] = [];
  await page.exposeFunction('__recordReply', (data: unknown) => repliesToPage.push(data));
  await page.addInitScript((kiosk) => {
    window.addEventListener('message', (e) => {
      if (e.origin === kiosk) (window as unknown as { __recordReply(d: unknown): void }).__recordReply(e.data);
    });
  }, KIOSK);
  await page.goto('/');
  const lab1 = page.getByRole('button', { name: 'Open Lab 1' });
  await expect(lab1).toBeEnabled();
  await expect(page.locator('cocalc-notebook#nb')).toHaveJSProperty('state', 'ready');
  const projectId = await page.locator('cocalc-notebook#nb').evaluate((el) => (el as unknown as { projectId: string }).projectId);
  const inbox = await recordKioskInbox(page);
  repliesToPage.length = 0;

  await lab1.click();
  const kiosk = page.frameLocator('cocalc-notebook#nb iframe');
  await expect(kiosk.getByRole('heading', { name: 'Lab 1: the median' })).toBeVisible();
  await expect(lab1).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('button', { name: 'Status' }).click();
  await expect(page.locator('#status-output')).toContainText('lab1.ipynb');
  await expect(page.locator('#status-output')).toContainText('intro.ipynb');

  await page.getByRole('button', { name: 'Close all' }).click();
  await expect(kiosk.getByRole('heading', { name: 'CoCalc', exact: true })).toBeVisible();
  await expect(lab1).toHaveAttribute('aria-pressed', 'false');
  await page.getByRole('button', { name: 'Status' }).click();
  await expect(page.locator('#events li[data-kind="status"]').first()).toHaveText(/no files open/);

  // What crossed the wire: only CoCalc's three actions, from the page's exact origin.
  const received = await inbox();
  const actions = received.map((m) => (m.data as { action?: string }).action);
  expect(new Set(actions)).toEqual(new Set(['open', 'status', 'closeall']));
  expect(received.every((m) => m.origin === 'http://localhost:5173')).toBe(true);
  expect(received.map((m) => m.data)).toContainEqual({ action: 'open', project_id: projectId, path: 'lab1.ipynb' });
  // …and CoCalc's replies: ack then done for open, done with open_files for status.
  expect(repliesToPage).toContainEqual({ status: 'ack', action: 'open', path: 'lab1.ipynb', project_id: projectId });
  expect(repliesToPage).toContainEqual({ status: 'done', action: 'open', path: 'lab1.ipynb', project_id: projectId });
  expect(repliesToPage).toContainEqual({ status: 'done', mesg: 'all files are closed' });
  expect(repliesToPage.filter((r) => (r as { status?: string }).status === 'ack').length).toBeGreaterThan(0);
});

test('a status reply forged from another origin is ignored while the real one is pending', async ({ page }) => {
  await page.route('http://evil.test/**', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><script>
        const forged = { status: 'done', connection: { quality: 'good', status: 'connected' },
                         open_files: { '00000000-0000-4000-8000-000000000000': ['forged.ipynb'] } };
        setInterval(() => parent.postMessage(forged, '*'), 20);
      </script>`,
    }),
  );
  await page.goto('/');
  await expect(page.locator('cocalc-notebook#nb')).toHaveJSProperty('state', 'ready');
  // Slow the kiosk down so the forgeries arrive while the real status request is in flight.
  await setEmulatorControls({ latencyMs: 1500 });
  await page.locator('cocalc-notebook#nb').evaluate((el) => (el as unknown as { reload(): Promise<unknown> }).reload());
  await expect(page.locator('cocalc-notebook#nb')).toHaveJSProperty('state', 'ready', { timeout: 20_000 });
  await page.evaluate(() => {
    const evil = document.createElement('iframe');
    evil.src = 'http://evil.test/forge.html';
    evil.title = 'attacker';
    document.body.append(evil);
  });
  await page.waitForTimeout(300);
  await page.getByRole('button', { name: 'Status' }).click();
  await expect(page.locator('#status-output')).toContainText('intro.ipynb', { timeout: 20_000 });
  await expect(page.locator('#status-output')).not.toContainText('forged.ipynb');
  const rejected = await page
    .locator('cocalc-notebook#nb')
    .evaluate((el) => (el as unknown as { controller: { stats: { rejectedSource: number; rejectedOrigin: number } } }).controller.stats);
  expect(rejected.rejectedOrigin + rejected.rejectedSource).toBeGreaterThan(0);
});

test('opened cross-site (page on 127.0.0.1, kiosk on localhost): SESSION_BLOCKED where the engine drops the sign-in cookie, and Diagnose names the topology', async ({ page, browserName, request }) => {
  // Which cookie the kiosk signs in with decides it (docs/deployment.md, section 1): every engine
  // drops a Lax or Strict cookie in a cross-site frame; Firefox alone keeps a SameSite=None;
  // Secure one there, partitioned to the embedding site, and then the kiosk signs in.
  const signInCookie = (await request.get(`${KIOSK}/cookies?set=probe&value=1`)).headers()['set-cookie'] ?? '';
  const keptCrossSite = browserName === 'firefox' && /samesite=none/i.test(signInCookie) && /;\s*secure/i.test(signInCookie);
  await page.goto('http://127.0.0.1:5173/');
  const nb = page.locator('cocalc-notebook#nb');
  if (keptCrossSite) {
    await expect(nb).toHaveJSProperty('state', 'ready', { timeout: 30_000 });
  } else {
    await expect(nb).toHaveJSProperty('state', 'error', { timeout: 30_000 });
    expect(await nb.evaluate((el) => (el as unknown as { error: { code: string } }).error.code)).toBe('SESSION_BLOCKED');
    await expect(nb.locator('[part~="hint"]')).toContainText('different sites');
  }
  await page.getByRole('button', { name: 'Diagnose' }).click();
  await expect(page.locator('#diagnosis li[data-id="cross-site"]')).toContainText('different sites');
});
