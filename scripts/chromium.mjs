// The one place that says how every test and benchmark starts Chromium on these machines
// (shared/docs/toolchain.md §9): Debian's /usr/bin/chromium (test tools cannot download their own
// browsers here; CHROME_PATH overrides), --no-sandbox because CI runs as root, and background
// networking off because the network is closed. Plain .mjs so WTR configs can import it too.

/** Path of the Chromium binary. */
export const CHROMIUM_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Command-line flags for every Chromium launch. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);
