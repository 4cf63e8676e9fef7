// The one place that says how tests and benchmarks start each browser engine on these machines.
// Every browser comes from Debian (test tools cannot download their own browsers here, and there
// is no geckodriver at all):
//   chromium  /usr/bin/chromium (CHROME_PATH overrides), driven by Playwright
//   firefox   /usr/bin/firefox-esr (FIREFOX_PATH overrides), driven over WebDriver BiDi
//             (Puppeteer in component tests, Playwright's moz-firefox channel end to end)
//   webkit    WebKitGTK's MiniBrowser driven by WebKitWebDriver (classic WebDriver); MiniBrowser
//             has no headless mode, so the driver runs under xvfb-run
// Plain .mjs so WTR configs, Playwright's config and the benches can all import it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

/** The engines every browser suite runs in, in the order they run. */
export const ENGINES = Object.freeze(/** @type {const} */ (['chromium', 'firefox', 'webkit']));

/**
 * The engines this run asks for: `BROWSERS=firefox,webkit` picks some (unknown names are an
 * error, not silently ignored); unset means all of them.
 * @returns {Array<'chromium'|'firefox'|'webkit'>}
 */
export function selectedEngines(value = process.env.BROWSERS) {
  if (!value) return [...ENGINES];
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ENGINES.includes(n));
  if (unknown.length) throw new Error(`BROWSERS: unknown engine(s) ${unknown.join(', ')}; known: ${ENGINES.join(', ')}`);
  return /** @type {Array<'chromium'|'firefox'|'webkit'>} */ (names);
}

// ---- Chromium -------------------------------------------------------------------------------

/** Path of the Chromium binary. */
export const CHROMIUM_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';

/**
 * Command-line flags for every Chromium launch: --no-sandbox because CI runs as root; background
 * networking off because the network is closed.
 */
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

// ---- Firefox --------------------------------------------------------------------------------

/** Path of Debian's Firefox ESR. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/**
 * Preferences for every Firefox launch: no update checks, telemetry or other calls home on a
 * closed network.
 */
export const FIREFOX_PREFS = Object.freeze({
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
});

// ---- WebKit ---------------------------------------------------------------------------------

/** WebKitGTK's WebDriver server (Debian package webkit2gtk-driver). */
export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver';

/** WebKitGTK's MiniBrowser (comes with libwebkit2gtk-4.1-0). */
export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/**
 * WebDriver capabilities for a MiniBrowser session. Classic WebDriver is forced: WebKitWebDriver
 * speaks no BiDi, and WebdriverIO would otherwise try it. `--automation` lets MiniBrowser be driven.
 * @param {{ acceptInsecureCerts?: boolean }} [options]
 */
export function webkitCapabilities(options = {}) {
  return {
    browserName: 'MiniBrowser',
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
    ...(options.acceptInsecureCerts ? { acceptInsecureCerts: true } : {}),
  };
}

/**
 * The `unshare` arguments that run a command as the first process of a fresh PID namespace (and,
 * with `mount`, a private mount namespace). When that first process ends, the kernel kills every
 * process left in the namespace and reaps them all: no browser, driver, X server or esbuild
 * service outlives a run, and none becomes a zombie under this machine's PID 1, which reaps
 * nothing. `--kill-child` ends the namespace if `unshare` itself is killed. Root gets the
 * namespaces directly; anyone else through a user namespace in which they are root.
 * @param {{ mount?: boolean }} [options]
 */
export function namespaceArgs(options = {}) {
  const asRoot = process.getuid?.() === 0;
  return [...(asRoot ? [] : ['--user', '--map-root-user']), '--fork', '--pid', ...(options.mount ? ['--mount'] : []), '--kill-child', '--'];
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts WebKitWebDriver on a free port, with its own X server (xvfb-run) because MiniBrowser has
 * no headless mode. Everything runs in a fresh PID namespace (see {@link namespaceArgs}) whose
 * first process is a small shell: `stop()` kills that shell, and the kernel then kills and reaps
 * every process in the namespace — driver, X server, MiniBrowser and WebKit's helper processes —
 * while `unshare` (our child) is still there to reap the shell.
 *
 * `hosts` (name → address) gives the browser its own /etc/hosts, bind-mounted in a private mount
 * namespace: MiniBrowser has no host-resolver switch, and WebKitWebDriver hands its `sslProxy`
 * capability to the browser as an https:// proxy, so a mapping proxy is no way out either.
 * @param {{ hosts?: Readonly<Record<string, string>> }} [options]
 * @returns {Promise<{ port: number, url: string, stop(): Promise<void> }>}
 */
export async function startWebKitDriver(options = {}) {
  const port = await freePort();
  let script = 'xvfb-run "$@"; exit $?';
  let hostsDir;
  if (options.hosts && Object.keys(options.hosts).length) {
    hostsDir = mkdtempSync(join(tmpdir(), 'webkit-hosts-'));
    const lines = Object.entries(options.hosts).map(([name, address]) => `${address} ${name}`);
    writeFileSync(join(hostsDir, 'hosts'), `${readFileSync('/etc/hosts', 'utf8')}\n${lines.join('\n')}\n`);
    script = `mount --bind ${join(hostsDir, 'hosts')} /etc/hosts && ${script}`;
  }
  const child = spawn(
    'unshare',
    [...namespaceArgs({ mount: !!hostsDir }), 'sh', '-c', script, 'webkit-driver',
      '--auto-servernum', '--server-args=-screen 0 1280x1024x24', WEBKIT_DRIVER_PATH, `--port=${port}`, '--host=127.0.0.1'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.once('exit', () => hostsDir && rmSync(hostsDir, { recursive: true, force: true }));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const init = namespaceInit(child.pid);
      // Without the namespace's first process (not started yet), unshare itself goes; --kill-child
      // then takes the namespace down.
      if (init) process.kill(init, 'SIGKILL');
      else child.kill('SIGKILL');
    }
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}: ${stderr.trim()}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`WebKitWebDriver did not answer on ${url} within 30 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, url, stop };
}

/** The host PID of the first process `unshare --fork` started (its only child), if any. */
function namespaceInit(unsharePid) {
  try {
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/);
    const pid = Number(children[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
