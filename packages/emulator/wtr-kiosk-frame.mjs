// The `kiosk-frame` WTR server command: driver-side access to the cross-origin kiosk frame, which
// the test page itself cannot read. One implementation per way WTR drives a browser
// (scripts/wtr-launchers.mjs): Playwright (Chromium), Puppeteer over WebDriver BiDi (Firefox) and
// classic WebDriver (WebKit). Ops:
//   eval         { origin, expression } the value of `expression` (awaited) in the frame whose URL
//                starts with `origin`; null when there is no such frame
//   click        { origin, selector }   clicks `selector` in that frame
//   cookies      { origin }             the browser's cookies for `origin`: name and attributes,
//                                       never values
//   clearCookies {}                     signs everybody out

/** The WTR plugin that installs the command. */
export function kioskFramePlugin() {
  return {
    name: 'kiosk-frame-commands',
    async executeCommand({ command, payload, session }) {
      if (command !== 'kiosk-frame') return undefined;
      const ops = OPS[session.browser.type];
      if (!ops) throw new Error(`kiosk-frame: no implementation for launcher type ${session.browser.type}`);
      // WTR treats a null/undefined result as "command not handled", so always wrap it.
      return { value: (await ops(session, payload)) ?? null };
    },
  };
}

/** Cookie attributes only: the tests must never see sign-in secrets. */
const attributes = ({ name, sameSite, secure, httpOnly, partitionKey }) => ({ name, sameSite, secure, httpOnly, partitionKey });

const OPS = {
  async playwright(session, payload) {
    const page = session.browser.getPage(session.id);
    if (payload.op === 'cookies') return (await page.context().cookies(payload.origin)).map(attributes);
    if (payload.op === 'clearCookies') return void (await page.context().clearCookies());
    const frame = page.frames().find((f) => f.url().startsWith(payload.origin));
    if (!frame) return null;
    if (payload.op === 'eval') return await frame.evaluate(payload.expression);
    if (payload.op === 'click') return void (await frame.click(payload.selector, { timeout: 5000 }));
    throw new Error(`kiosk-frame: unknown op ${payload.op}`);
  },

  async puppeteer(session, payload) {
    const page = session.browser.getPage(session.id);
    const context = page.browserContext();
    if (payload.op === 'cookies') {
      const host = new URL(payload.origin).hostname;
      return (await context.cookies()).filter((c) => c.domain.replace(/^\./, '') === host).map(attributes);
    }
    if (payload.op === 'clearCookies') return void (await context.deleteCookie(...(await context.cookies())));
    const frame = page.frames().find((f) => f.url().startsWith(payload.origin));
    if (!frame) return null;
    // A string is evaluated as an expression; a promise it yields is awaited.
    if (payload.op === 'eval') return await frame.evaluate(payload.expression);
    if (payload.op === 'click') return void (await frame.click(payload.selector));
    throw new Error(`kiosk-frame: unknown op ${payload.op}`);
  },

  async webdriver(session, payload) {
    const driver = session.browser.driver;
    if (!driver) throw new Error('kiosk-frame: the WebDriver session is not started');
    if (payload.op === 'clearCookies') {
      // Classic WebDriver deletes the cookies of the top-level page's host. That is every cookie
      // these tests can leave in WebKit: it refuses cookies in cross-site frames outright.
      await driver.switchToFrame(null);
      await driver.deleteAllCookies();
      return undefined;
    }
    return await inFrame(driver, payload.origin, async () => {
      if (payload.op === 'cookies') return (await driver.getAllCookies()).map(attributes);
      if (payload.op === 'eval') {
        // Evaluated like Playwright's string evaluate (global eval: statement lists allowed, the
        // last value counts, a promise is awaited), and wrapped, so a value with an `error`
        // property is not mistaken for a driver error.
        const { value, thrown } = await driver.executeAsync(
          `const done = arguments[arguments.length - 1];
           Promise.resolve().then(() => (0, eval)(arguments[0]))
             .then((value) => done({ value: value === undefined ? null : value }), (e) => done({ thrown: String(e) }));`,
          payload.expression,
        );
        if (thrown) throw new Error(`kiosk-frame eval threw in the frame: ${thrown}`);
        return value;
      }
      if (payload.op === 'click') {
        await (await driver.$(payload.selector)).click();
        return undefined;
      }
      throw new Error(`kiosk-frame: unknown op ${payload.op}`);
    });
  },
};

/**
 * Runs `fn` with the WebDriver switched into the first top-level iframe whose document URL starts
 * with `origin`, and always switches back to the test page. Resolves null when there is none.
 */
async function inFrame(driver, origin, fn) {
  await driver.switchToFrame(null);
  const count = await driver.execute('return document.querySelectorAll("iframe").length');
  try {
    for (let i = 0; i < count; i++) {
      await driver.switchToFrame(i);
      const href = await driver.execute('return location.href');
      if (typeof href === 'string' && href.startsWith(origin)) return await fn();
      await driver.switchToFrame(null);
    }
    return null;
  } finally {
    await driver.switchToFrame(null);
  }
}
