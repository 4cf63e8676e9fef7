import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resetEmulatorControls, setEmulatorControls } from '../support/emulator-controls.js';
import {
  clickButton,
  errorCode,
  expect,
  inKiosk,
  notebookProperty,
  test,
  textOf,
  until,
  waitForKioskHeading,
  waitForState,
} from './webkit-session.js';

// The demo in WebKit (MiniBrowser through WebKitWebDriver), the way `pnpm start` serves it:
// page on http://localhost:5173, kiosk on http://localhost:5180. Mirrors e2e/tests/* for what the
// engine decides: sign-in cookies, cross-origin messaging, frames, host controls.
const DEMO = 'http://localhost:5173';
const KIOSK = 'http://localhost:5180';

test.afterEach(async () => {
  await resetEmulatorControls();
});

test('WebKit: the course page signs the kiosk in and shows the notebook CoCalc\'s own URL names', async ({ wd }) => {
  await wd.url(`${DEMO}/`);
  await waitForState(wd, 'cocalc-notebook#nb', 'ready');
  await waitForKioskHeading(wd, 'cocalc-notebook#nb', 'Introduction to data with Python');
  const href = await inKiosk(wd, 'cocalc-notebook#nb', () => wd.execute(() => location.href));
  const projectId = await notebookProperty(wd, 'cocalc-notebook#nb', 'projectId');
  // The file CoCalc's URL named, in kiosk mode; signed in, CoCalc strips the token from its address.
  const url = new URL(href);
  expect(url.origin + url.pathname).toBe(`${KIOSK}/projects/${projectId}/files/intro.ipynb`);
  expect(url.searchParams.get('fullscreen')).toBe('kiosk');
  expect(href).not.toContain('auth_token');
});

test('WebKit: host buttons open, query and close files over postMessage', async ({ wd }) => {
  await wd.url(`${DEMO}/`);
  await waitForState(wd, 'cocalc-notebook#nb', 'ready');
  await clickButton(wd, 'Open Lab 1');
  await waitForKioskHeading(wd, 'cocalc-notebook#nb', 'Lab 1: the median');
  await until('Open Lab 1 pressed', async () => (await (await wd.$('//button[normalize-space()="Open Lab 1"]')).getAttribute('aria-pressed')) === 'true');

  await clickButton(wd, 'Status');
  const status = await until('a status reply listing lab1', async () => {
    const text = await textOf(wd, '#status-output');
    return text.includes('lab1.ipynb') ? text : '';
  });
  expect(status).toContain('intro.ipynb');

  await clickButton(wd, 'Close all');
  await waitForKioskHeading(wd, 'cocalc-notebook#nb', 'CoCalc');
  await until('Open Lab 1 released', async () => (await (await wd.$('//button[normalize-space()="Open Lab 1"]')).getAttribute('aria-pressed')) === 'false');
});

test('WebKit: a status reply forged from another origin is ignored while the real one is pending', async ({ wd }) => {
  // The attacker: a page on another origin that keeps posting a forged status reply to its parent.
  const evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script>
      const forged = { status: 'done', connection: { quality: 'good', status: 'connected' },
                       open_files: { '00000000-0000-4000-8000-000000000000': ['forged.ipynb'] } };
      setInterval(() => parent.postMessage(forged, '*'), 20);
    </script>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  try {
    await wd.url(`${DEMO}/`);
    await waitForState(wd, 'cocalc-notebook#nb', 'ready');
    // Slow the kiosk down so the forgeries arrive while the real status request is in flight.
    await setEmulatorControls({ latencyMs: 1500 });
    await wd.execute(() => void (document.querySelector('cocalc-notebook#nb') as unknown as { reload(): Promise<unknown> }).reload());
    await waitForState(wd, 'cocalc-notebook#nb', 'ready', 20_000);
    await wd.execute((src: string) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.title = 'attacker';
      document.body.append(frame);
    }, `http://127.0.0.1:${(evil.address() as AddressInfo).port}/forge.html`);
    await new Promise((r) => setTimeout(r, 300));
    await clickButton(wd, 'Status');
    const status = await until('the real status reply', async () => {
      const text = await textOf(wd, '#status-output');
      return text.includes('intro.ipynb') ? text : '';
    }, 20_000);
    expect(status).not.toContain('forged.ipynb');
    const rejected = await wd.execute(() => {
      const { stats } = (document.querySelector('cocalc-notebook#nb') as unknown as { controller: { stats: { rejectedSource: number; rejectedOrigin: number } } }).controller;
      return stats.rejectedOrigin + stats.rejectedSource;
    });
    expect(rejected).toBeGreaterThan(0);
  } finally {
    evil.closeAllConnections();
    await new Promise((r) => evil.close(r));
  }
});

test('WebKit: two notebooks in two projects, and the lazy one mints nothing until scrolled to', async ({ wd }) => {
  await wd.url(`${DEMO}/two.html`);
  await waitForState(wd, '#left', 'ready');
  await waitForState(wd, '#right', 'ready');
  const [left, right] = [await notebookProperty(wd, '#left', 'projectId'), await notebookProperty(wd, '#right', 'projectId')];
  expect(left).toMatch(/^[0-9a-f-]{36}$/);
  expect(right).toMatch(/^[0-9a-f-]{36}$/);
  expect(left).not.toBe(right);
  await waitForKioskHeading(wd, '#right', 'notes.md');

  // Below the fold: no token request and no iframe yet.
  await new Promise((r) => setTimeout(r, 500));
  expect(await textOf(wd, '#token-count')).toBe('2');
  expect(await notebookProperty(wd, '#lazy', 'state')).toBe('idle');
  expect(await wd.execute(() => document.querySelector('#lazy')!.shadowRoot?.querySelectorAll('iframe').length ?? 0)).toBe(0);

  await (await wd.$('#lazy')).scrollIntoView();
  await waitForState(wd, '#lazy', 'ready');
  expect(await textOf(wd, '#token-count')).toBe('3');
  await waitForKioskHeading(wd, '#lazy', 'Lab 1: the median');
});

for (const [name, code, recovery] of [
  ['backend-down', /TOKEN_UNAVAILABLE|UPSTREAM_ERROR/, 'automatic'],
  ['kiosk-silent', /READY_TIMEOUT/, 'retry'],
  ['token-expired', /TOKEN_EXPIRED|SESSION_BLOCKED/, 'retry'],
] as const) {
  test(`WebKit: failures page "${name}" shows the element's error view, and it recovers (${recovery})`, async ({ wd }) => {
    await wd.url(`${DEMO}/failures.html`);
    await waitForState(wd, 'cocalc-notebook#nb', 'ready');
    const box = await wd.$(`input[name="${name}"]`);
    await box.click();
    await waitForState(wd, 'cocalc-notebook#nb', 'error', 30_000);
    expect(await errorCode(wd, 'cocalc-notebook#nb')).toMatch(code);
    expect(await (await wd.$('cocalc-notebook#nb').shadow$('[part~="error"]')).isDisplayed()).toBe(true);
    expect((await (await wd.$('cocalc-notebook#nb').shadow$('[part~="hint"]')).getText()).trim()).not.toBe('');
    expect(await wd.execute(() => !!document.querySelector('#events li[data-kind="error"]'))).toBe(true);

    await box.click();
    if (recovery === 'retry') await (await wd.$('cocalc-notebook#nb').shadow$('[part~="retry"]')).click();
    await waitForState(wd, 'cocalc-notebook#nb', 'ready', 30_000);
    await waitForKioskHeading(wd, 'cocalc-notebook#nb', 'Introduction to data with Python');
  });
}

test('WebKit: opened cross-site (page on 127.0.0.1) the element reports SESSION_BLOCKED', async ({ wd }) => {
  await wd.url('http://127.0.0.1:5173/');
  await waitForState(wd, 'cocalc-notebook#nb', 'error', 30_000);
  expect(await errorCode(wd, 'cocalc-notebook#nb')).toBe('SESSION_BLOCKED');
  expect(await (await wd.$('cocalc-notebook#nb').shadow$('[part~="hint"]')).getText()).toContain('different sites');
});
