import { test as base } from '@playwright/test';
import { remote } from 'webdriverio';
import { startWebKitDriver, webkitCapabilities } from '../../scripts/browsers.mjs';
import { HOST_ADDRESSES } from '../support/strict-deployment.js';

/**
 * WebKit end to end. Playwright cannot drive WebKitGTK's MiniBrowser here, so these specs run in
 * Playwright's test runner (same servers, global setup, reporter and summary line as the other
 * engines) but drive MiniBrowser through WebKitWebDriver with WebdriverIO. The driver (under
 * xvfb-run, see scripts/browsers.mjs) lives as long as the worker, with the strict deployment's
 * host names in its own /etc/hosts; each test gets a fresh browser session, so no cookie or page
 * state leaks from one test into the next.
 */

/** A WebdriverIO session on MiniBrowser. */
export type WebKitBrowser = WebdriverIO.Browser;

// WebKitWebDriver speaks classic WebDriver only, so the classic commands WebdriverIO calls
// deprecated (in favour of BiDi ones) are the right ones here: keep their notices out of the log.
process.env.DISABLE_WEBDRIVERIO_DEPRECATION_WARNINGS = 'true';

/** A session normally starts in about 2 s; one that has not started in this long never will. */
const SESSION_START_TIMEOUT_MS = 20_000;

/**
 * The worker's WebKitWebDriver, and fresh browser sessions on it. Rarely (once in about 80
 * sessions over this machine's full runs) the driver accepts `POST /session` but never gets
 * MiniBrowser going, and the request hangs until the socket drops a minute later. That is the
 * test rig failing before any test step ran, so the driver (with whatever it half started) is
 * replaced and the session asked for once more; a second failure fails the test. Nothing a test
 * does is retried.
 */
class WebKitDrivers {
  #driver: ReturnType<typeof startWebKitDriver> | undefined;

  /** A new session with `capabilities`, on a driver started when first needed. */
  async newSession(capabilities: WebdriverIO.Capabilities): Promise<WebKitBrowser> {
    try {
      return await this.#session(capabilities);
    } catch (error) {
      console.error(`WebKit: no browser session (${String(error)}); restarting WebKitWebDriver and asking once more`);
      await this.stop();
      return this.#session(capabilities);
    }
  }

  /** Stops the driver, its X server and every browser it started. */
  async stop(): Promise<void> {
    const driver = this.#driver;
    this.#driver = undefined;
    if (driver) await (await driver.catch(() => undefined))?.stop();
  }

  async #session(capabilities: WebdriverIO.Capabilities): Promise<WebKitBrowser> {
    this.#driver ??= startWebKitDriver({ hosts: HOST_ADDRESSES });
    const { port } = await this.#driver;
    const session = remote({ hostname: '127.0.0.1', port, path: '/', logLevel: 'error', connectionRetryCount: 0, capabilities });
    // Bounded here rather than with connectionRetryTimeout, which would bound every later command
    // too. A session that starts after all is ended with its driver by stop().
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`session not started after ${SESSION_START_TIMEOUT_MS} ms`)), SESSION_START_TIMEOUT_MS);
    });
    session.catch(() => undefined); // a session that fails after the timeout has nobody to tell
    try {
      return await Promise.race([session, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export const test = base.extend<
  { wd: WebKitBrowser; webkitOptions: Parameters<typeof webkitCapabilities>[0] },
  { webkitDriver: WebKitDrivers }
>({
  webkitDriver: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; this one has none
    async ({}, use) => {
      const drivers = new WebKitDrivers();
      await use(drivers);
      await drivers.stop();
    },
    { scope: 'worker' },
  ],
  webkitOptions: [{}, { option: true }],
  wd: async ({ webkitDriver, webkitOptions }, use) => {
    const wd = await webkitDriver.newSession(webkitCapabilities(webkitOptions) as WebdriverIO.Capabilities);
    await wd.setTimeout({ script: 30_000, pageLoad: 60_000 });
    try {
      await use(wd);
    } finally {
      await wd.deleteSession().catch(() => {});
    }
  },
});

export { expect } from '@playwright/test';

/** Polls `check` until it returns a truthy value; fails with `what` and the last value seen. */
export async function until<T>(what: string, check: () => Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Reads a property of the `<cocalc-notebook>` matching `selector`. Only plain values come back:
 * WebdriverIO takes any result with an `error` property for a driver error, so the element's
 * `error` is read through `errorCode()` instead.
 */
export function notebookProperty(wd: WebKitBrowser, selector: string, property: 'state' | 'projectId'): Promise<string | null> {
  return wd.execute((s: string, p: string) => {
    const el = document.querySelector(s) as unknown as Record<string, unknown> | null;
    return el && typeof el[p] === 'string' ? (el[p] as string) : null;
  }, selector, property);
}

/** The `code` of the element's current error, or null. */
export function errorCode(wd: WebKitBrowser, selector: string): Promise<string | null> {
  return wd.execute((s: string) => {
    const el = document.querySelector(s) as unknown as { error?: { code?: string } } | null;
    return el?.error?.code ?? null;
  }, selector);
}

/** Waits until the element reaches `state`. */
export function waitForState(wd: WebKitBrowser, selector: string, state: string, timeoutMs = 15_000): Promise<string> {
  return until(`${selector} state ${state}`, async () => ((await notebookProperty(wd, selector, 'state')) === state ? state : null), timeoutMs);
}

/**
 * Runs `fn` with the driver switched into the kiosk iframe of the `<cocalc-notebook>` matching
 * `selector` (inside its shadow root), and always switches back to the page.
 */
export async function inKiosk<T>(wd: WebKitBrowser, selector: string, fn: () => Promise<T>): Promise<T> {
  const frame = await wd.execute((s: string) => {
    const iframes = [...(document.querySelector(s)?.shadowRoot?.querySelectorAll('iframe') ?? [])];
    // While signing in there can be a second, hidden frame; the kiosk is the one with a title.
    return iframes.find((f) => f.title) ?? iframes[0] ?? null;
  }, selector);
  if (!frame) throw new Error(`no kiosk iframe in ${selector}`);
  await wd.switchToFrame(elementReference(frame));
  try {
    return await fn();
  } finally {
    await wd.switchToFrame(null);
  }
}

/** The W3C element reference of an element `execute` returned (WebdriverIO may wrap it). */
function elementReference(value: unknown): Record<string, string> {
  const key = 'element-6066-11e4-a52e-4f735466cecf';
  const v = value as { elementId?: string } & Record<string, string>;
  if (typeof v.elementId === 'string') return { [key]: v.elementId };
  if (typeof v[key] === 'string') return { [key]: v[key] };
  throw new Error(`not an element reference: ${JSON.stringify(value)}`);
}

/** Whether the current document shows a heading whose text is exactly `name`. */
export function hasHeading(wd: WebKitBrowser, name: string): Promise<boolean> {
  return wd.execute(
    (n: string) => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')].some((h) => h.textContent?.trim() === n),
    name,
  );
}

/** Waits until the kiosk of `selector` shows the heading `name`. */
export function waitForKioskHeading(wd: WebKitBrowser, selector: string, name: string, timeoutMs = 15_000): Promise<true> {
  return until(`kiosk heading "${name}"`, () => inKiosk(wd, selector, () => hasHeading(wd, name)).catch(() => false), timeoutMs) as Promise<true>;
}

/** Clicks the button whose text is exactly `name`, once it is enabled (a real WebDriver click). */
export async function clickButton(wd: WebKitBrowser, name: string): Promise<void> {
  const button = await wd.$(`//button[normalize-space()=${JSON.stringify(name)}]`);
  await button.waitForEnabled({ timeout: 15_000 });
  await button.click();
}

/** The text of the first element matching `selector` on the page. */
export function textOf(wd: WebKitBrowser, selector: string): Promise<string> {
  return wd.execute((s: string) => document.querySelector(s)?.textContent ?? '', selector);
}
