// @web/test-runner launchers for each engine, built from scripts/browsers.mjs. A WTR config says
// `browsers: wtrLaunchers()` and runs in the engine named by WTR_ENGINE (set by
// scripts/wtr-each-engine.mjs, which runs a package's suite once per engine, one after another:
// the suites share emulators whose controls one test flips, so two engines must not run at once).
import { playwrightLauncher } from '@web/test-runner-playwright';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  ENGINES,
  FIREFOX_PATH,
  FIREFOX_PREFS,
  startWebKitDriver,
  webkitCapabilities,
} from './browsers.mjs';

/**
 * MiniBrowser through WebKitWebDriver: this launcher starts the driver (under xvfb-run) when WTR
 * initializes it and stops it, with every process it started, when WTR stops it.
 */
class WebKitLauncher extends WebdriverLauncher {
  constructor() {
    // WebKitWebDriver speaks classic WebDriver only, so the classic commands WebdriverIO calls
    // deprecated (in favour of BiDi ones) are the right ones here: keep their notices out of the log.
    process.env.DISABLE_WEBDRIVERIO_DEPRECATION_WARNINGS = 'true';
    super({ automationProtocol: 'webdriver', hostname: '127.0.0.1', port: 0, path: '/', capabilities: webkitCapabilities() });
    /** @type {Awaited<ReturnType<typeof startWebKitDriver>> | undefined} */
    this.webkitDriver = undefined;
  }

  async initialize(config, testFiles) {
    this.webkitDriver = await startWebKitDriver();
    this.options.port = this.webkitDriver.port;
    await super.initialize(config, testFiles);
    this.name = 'WebKit';
  }

  async stop() {
    await super.stop();
    await this.webkitDriver?.stop();
    this.webkitDriver = undefined;
  }
}

/** The engine this WTR run is for (`WTR_ENGINE`, default chromium). */
export function wtrEngine() {
  const engine = process.env.WTR_ENGINE || 'chromium';
  if (!ENGINES.includes(engine)) throw new Error(`WTR_ENGINE=${engine}: expected one of ${ENGINES.join(', ')}`);
  return /** @type {'chromium'|'firefox'|'webkit'} */ (engine);
}

/** WTR `browsers` for this run's engine. */
export function wtrLaunchers(engine = wtrEngine()) {
  switch (engine) {
    case 'chromium':
      return [playwrightLauncher({ product: 'chromium', launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] } })];
    case 'firefox':
      return [
        puppeteerLauncher({
          launchOptions: { browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: { ...FIREFOX_PREFS } },
        }),
      ];
    case 'webkit':
      return [new WebKitLauncher()];
  }
}
