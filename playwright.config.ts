import { randomBytes } from 'node:crypto';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH as CHROMIUM,
  FIREFOX_PATH,
  FIREFOX_PREFS,
  freePort,
  selectedEngines,
} from './scripts/browsers.mjs';

// One admin key for this run, shared by the emulator, the backend and the specs that seed data.
// Generated, never written down: nothing in the repository looks like a key.
if (!process.env.COCALC_API_KEY) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  process.env.COCALC_API_KEY = 'sk-' + Array.from(randomBytes(24), (b) => alphabet[b % alphabet.length]).join('');
}
process.env.E2E_DATA_DIR ??= `/tmp/cocalc-embed-e2e-${process.pid}`;
// The strict deployment's host-map proxy (e2e/support/host-map-proxy.ts), for Firefox, which
// cannot remap host names itself. Chosen once here; workers inherit it.
process.env.E2E_PROXY_PORT ??= String(await freePort());

const STRICT_HOSTS = 'MAP learn.example.com 127.0.0.1, MAP other.example.com 127.0.0.1, MAP cocalc.example.com 127.0.0.2';
const DEMO = { name: 'demo', testMatch: /tests\/[^/]+\.spec\.ts$/ };
const STRICT = { name: 'strict', testMatch: /tests\/strict\/.*\.spec\.ts$/ };
const firefox = (prefs: Record<string, string | number | boolean> = {}) => ({
  browserName: 'firefox' as const,
  // Debian's Firefox ESR over WebDriver BiDi (Playwright's own Firefox build cannot be downloaded
  // here). Playwright needs a small patch for it (patches/playwright-core@*.patch).
  channel: 'moz-firefox',
  launchOptions: { executablePath: FIREFOX_PATH, firefoxUserPrefs: { ...FIREFOX_PREFS, ...prefs } },
});
// Firefox reaches the strict deployment's host names through its host-map proxy. Set as prefs:
// Playwright's `proxy` option, over BiDi, proxies only http for an http:// proxy server.
const proxyPort = Number(process.env.E2E_PROXY_PORT);
const FIREFOX_STRICT_PREFS = {
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': proxyPort,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': proxyPort,
  'network.proxy.no_proxies_on': '',
};

/** The projects of each engine. WebKit has no Playwright route here: its specs drive WebKitWebDriver. */
const ENGINE_PROJECTS: Record<'chromium' | 'firefox' | 'webkit', NonNullable<PlaywrightTestConfig['projects']>> = {
  chromium: [
    // The demo exactly as `pnpm start` serves it: emulator on localhost:5180, backend on
    // 127.0.0.1:8787, Vite on localhost:5173 — page and kiosk on different origins of one site.
    { ...DEMO },
    {
      // CoCalc's strict rules: HTTPS on port 443, exact iframe_comm_hosts, no http relaxation, two
      // same-site host names mapped to loopback addresses. The spec starts its own servers.
      ...STRICT,
      use: {
        ignoreHTTPSErrors: true,
        launchOptions: {
          executablePath: CHROMIUM,
          args: [...CHROMIUM_ARGS, `--host-resolver-rules=${STRICT_HOSTS}`, '--ignore-certificate-errors'],
        },
      },
    },
  ],
  firefox: [
    { ...DEMO, name: 'demo-firefox', use: firefox() },
    {
      ...STRICT,
      name: 'strict-firefox',
      use: { ...firefox(FIREFOX_STRICT_PREFS), ignoreHTTPSErrors: true },
    },
  ],
  webkit: [
    // MiniBrowser through WebKitWebDriver (WebdriverIO) under xvfb-run: the same pages and the
    // strict deployment, driven by e2e/webkit/*.spec.ts, which use no Playwright browser.
    { name: 'webkit', testDir: './e2e/webkit', testMatch: /\.spec\.ts$/ },
  ],
};

export default defineConfig({
  testDir: './e2e/tests',
  fullyParallel: false,
  workers: 1,
  // A retry tells a flaky test from a broken one in the report; either fails the run.
  retries: process.env.CI ? 1 : 0,
  failOnFlakyTests: true,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['./e2e/plain-summary-reporter.ts']],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL: 'http://localhost:5173',
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] },
    trace: 'retain-on-failure',
  },
  projects: selectedEngines().flatMap((engine) => ENGINE_PROJECTS[engine]),
  webServer: {
    // The README's own start command, with data in a scratch folder for this run.
    command: 'pnpm start',
    url: 'http://127.0.0.1:5173/',
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    env: {
      EMULATOR_DATA_DIR: `${process.env.E2E_DATA_DIR}/emulator`,
      COCALC_EMBED_DATA_DIR: `${process.env.E2E_DATA_DIR}/server`,
      FORCE_COLOR: '0',
    },
  },
});
