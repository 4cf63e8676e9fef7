import { COCALC_URL, HOST_ORIGIN, OTHER_ORIGIN, startStrictDeployment, type StrictDeployment } from '../support/strict-deployment.js';
import { clickButton, errorCode, expect, inKiosk, test, textOf, until, waitForKioskHeading, waitForState, type WebKitBrowser } from './webkit-session.js';

// CoCalc's strict rules in WebKit (MiniBrowser through WebKitWebDriver): HTTPS on 443, exact
// iframe_comm_hosts, SameSite=Strict. The driver resolves learn/other/cocalc.example.com through
// its own /etc/hosts (webkit-session.ts); the session accepts the test certificate.
test.use({ webkitOptions: { acceptInsecureCerts: true } });

/** The attributes (never the value) of a cookie CoCalc set, read on a top-level CoCalc page. */
async function cocalcCookie(wd: WebKitBrowser, name: string) {
  await wd.url(`${COCALC_URL}/customize`);
  const cookie = (await wd.getAllCookies()).find((c) => c.name === name);
  return cookie && { sameSite: cookie.sameSite, secure: cookie.secure, httpOnly: cookie.httpOnly };
}

test.describe('modern CoCalc (sign-in through /auth/impersonate)', () => {
  let deployment: StrictDeployment;
  test.beforeAll(async () => {
    deployment = await startStrictDeployment();
  });
  test.afterAll(async () => {
    await deployment?.close();
  });

  test('WebKit, strict: the element signs in through /auth/impersonate and drives the kiosk', async ({ wd }) => {
    await wd.url(`${HOST_ORIGIN}/`);
    await waitForState(wd, 'cocalc-notebook#nb', 'ready', 30_000);
    await waitForKioskHeading(wd, 'cocalc-notebook#nb', 'Introduction to data with Python');
    // The `impersonate` era: no frame keeps a token in its address.
    const srcs = await wd.execute(() => [...document.querySelector('#nb')!.shadowRoot!.querySelectorAll('iframe')].map((f) => f.src).join(' '));
    expect(srcs).not.toContain('auth_token');

    await clickButton(wd, 'Open Lab 1');
    await waitForKioskHeading(wd, 'cocalc-notebook#nb', 'Lab 1: the median');
    await clickButton(wd, 'Close all');
    await waitForKioskHeading(wd, 'cocalc-notebook#nb', 'CoCalc');
    await clickButton(wd, 'Diagnose');
    const ids = await until('a diagnosis', () => wd.execute(() => [...document.querySelectorAll('#diagnosis li')].map((li) => (li as HTMLElement).dataset.id).join(',')));
    expect(ids).toBe('ok');

    // The sign-in cookie is CoCalc's, SameSite=Strict, and WebKit kept it because the two hosts are
    // one site. (Classic WebDriver reads cookies of the top-level document only, hence the visit.)
    const rememberMe = await cocalcCookie(wd, 'remember_me');
    expect(rememberMe?.sameSite).toBe('Strict');
    expect(rememberMe?.httpOnly).toBe(true);
  });

  test('WebKit, strict: a host CSP without CoCalc in frame-src is refused and diagnose names the CSP', async ({ wd }) => {
    await wd.url(`${HOST_ORIGIN}/no-frame-src`);
    await waitForState(wd, 'cocalc-notebook#nb', 'error', 30_000);
    await clickButton(wd, 'Diagnose');
    const findings = await until('a diagnosis', () => textOf(wd, '#diagnosis'));
    expect(await textOf(wd, '#diagnosis li[data-id="csp"]'), findings).toContain(`frame-src ${COCALC_URL}`);
  });

  test('WebKit, strict: a host page not in iframe_comm_hosts gets no answer, and the element says so', async ({ wd }) => {
    await wd.url(`${OTHER_ORIGIN}/`);
    // CoCalc drops blocked origins silently: the kiosk itself loads, it just never answers. (Like a
    // real CoCalc, the kiosk shows only its banner until the host's `open`, which never gets through.)
    await until(
      'the kiosk banner',
      () => inKiosk(wd, 'cocalc-notebook#nb', () => wd.execute(() => document.body.innerText.includes('Kiosk mode'))).catch(() => false),
      30_000,
    );
    await waitForState(wd, 'cocalc-notebook#nb', 'error', 30_000);
    expect(await errorCode(wd, 'cocalc-notebook#nb')).toBe('READY_TIMEOUT');
    expect(await (await wd.$('cocalc-notebook#nb').shadow$('[part~="hint"]')).getText()).toContain('iframe_comm_hosts');
  });
});

test.describe('classic CoCalc (?auth_token= on the kiosk URL)', () => {
  let deployment: StrictDeployment;
  test.beforeAll(async () => {
    deployment = await startStrictDeployment('classic');
  });
  test.afterAll(async () => {
    await deployment?.close();
  });

  test('WebKit, strict: against a classic CoCalc the kiosk signs in from ?auth_token= and keeps its None; Secure cookie', async ({ wd }) => {
    await wd.url(`${HOST_ORIGIN}/`);
    await waitForState(wd, 'cocalc-notebook#nb', 'ready', 30_000);
    await waitForKioskHeading(wd, 'cocalc-notebook#nb', 'Introduction to data with Python');
    const href = await inKiosk(wd, 'cocalc-notebook#nb', () => wd.execute(() => location.href));
    expect(href).not.toContain('auth_token');
    await clickButton(wd, 'Open Lab 1');
    await waitForKioskHeading(wd, 'cocalc-notebook#nb', 'Lab 1: the median');
    const rememberMe = await cocalcCookie(wd, 'remember_me');
    expect(rememberMe?.sameSite).toBe('None');
    expect(rememberMe?.secure).toBe(true);
  });
});
