import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from './scripts/browsers.mjs';

// One admin key for this run, shared by the emulator, the backend and the specs that seed data.
// Generated, never written down: nothing in the repository looks like a key.
if (!process.env.COCALC_API_KEY) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  process.env.COCALC_API_KEY = 'sk-' + Array.from(randomBytes(24), (b) => alphabet[b % alphabet.length]).join('');
}
process.env.E2E_DATA_DIR ??= `/tmp/cocalc-embed-e2e-${process.pid}`;

export default defineConfig({
  testDir: './e2e/tests',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
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
  projects: [
    {
      // The demo exactly as `pnpm start` serves it: emulator on localhost:5180, backend on
      // 127.0.0.1:8787, Vite on localhost:5173 — page and kiosk on different origins of one site.
      name: 'demo',
      testIgnore: /strict\//,
    },
    {
      // CoCalc's strict rules: HTTPS on port 443, exact iframe_comm_hosts, no http relaxation, two
      // same-site host names mapped to loopback addresses. The spec starts its own servers.
      name: 'strict',
      testMatch: /strict\/.*\.spec\.ts/,
      use: {
        ignoreHTTPSErrors: true,
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            ...CHROMIUM_ARGS,
            '--host-resolver-rules=MAP learn.example.test 127.0.0.1, MAP other.example.test 127.0.0.1, MAP cocalc.example.test 127.0.0.2',
            '--ignore-certificate-errors',
          ],
        },
      },
    },
  ],
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
