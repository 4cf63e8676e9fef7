import { resetEmulatorControls } from '../support/emulator-controls.js';
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
  // Signed in, CoCalc strips the token from its own address.
  expect(href).toBe(`${KIOSK}/projects/${projectId}/files/intro.ipynb?session=&fullscreen=kiosk`);
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
