/**
 * The emulator's stand-in for CoCalc's frontend in a kiosk iframe: bundled by esbuild as
 * `{base}/static/app.js` and loaded by `{base}/static/app.html`. It reproduces what CoCalc's
 * frontend does there, as a real CoCalc was seen doing it, and nothing CoCalc lacks, except the
 * clearly marked test controls and the dev-only http origin relaxation.
 *
 * Boot, in order:
 * 1. `handleTarget` (`client/handle-target.ts`): the hub sent us to
 *    `static/app.html?target=<path+query>`; parse the target and its own query, merge the page's
 *    other params, and `history.pushState` `{base}/projects/<pid>/files/<path>?…` (no target:
 *    `{base}/projects` if the `remember_me{base}` local-storage flag is set, else `{base}/settings`).
 * 2. `fullscreen=kiosk` ⇒ kiosk mode. The session is forced empty in kiosk mode, and the `session`
 *    param is removed from the address (`replaceState`).
 * 3. Kiosk mode: the postMessage bridge (`iframe-comm.ts`) listens at once, while this script runs
 *    and before the document's `load` (a held image keeps `load` pending the way CoCalc's many
 *    assets do, see `load-hold.ts`). Messages wait for the site customization (CoCalc's bridge
 *    awaits the customize store before checking any origin); the connection says `connecting`,
 *    without `status_time`, until after `load`. No ready message is ever posted.
 *    `window.__cocalcEmulator = { listenerLiveAt }` (epoch ms) says when it went live.
 * 4. `GET {base}/customize` (site name, `iframe_comm_hosts`, and our `emulator` key) and
 *    `GET {base}/__emulator/controls`.
 * 5. Sign-in. Generation `classic` = `url` era (2023-08 … 2024-10-18): an `auth_token` param is
 *    removed from the address (`replaceState`), sent as `sign_in_using_auth_token`
 *    (`POST /api/emulator/hub`, our websocket stand-in); on success the browser fetches
 *    `/cookies?set=remember_me&value=…` and the page reloads. On failure: nothing helpful, the
 *    user stays signed out and sees the banner (sagemathinc/cocalc#5392). Generation `modern` =
 *    `impersonate` era: the param is not read at all; only cookies from `/auth/impersonate` sign in.
 *    Who is signed in: `GET /api/emulator/session`.
 * 6. After `load`: `connected` when signed in, else `disconnected` (both with `status_time`);
 *    `ping` only 30 s later. Signed out, an `open` is never answered (CoCalc waits for a project
 *    table that never comes).
 * A kiosk URL naming a file does NOT open it: like CoCalc today (sagemathinc/cocalc#8527), the
 * kiosk shows only its banner until the host sends `open`.
 *
 * UI: the site-name banner when nothing is open or nobody is signed in; otherwise one tab-less,
 * read-only editor (notebook cells, Markdown, or plain text); a "Project is not running" prompt with
 * a Start button for a stopped project. Links to other files are refused with CoCalc's kiosk alert.
 * Each open posts CoCalc's `cocalc-project-log` entry to `window.parent` with `"*"` before the
 * bridge's `done`, then a load-time update with the same id once the file shows.
 *
 * Test controls (NOT CoCalc; all off by default): `bridgeAfterLoad` (the emulator's old order: the
 * listener goes live only after `load`, already connected) and `neverReady` (no listener at all)
 * come with the page (a meta tag), the others are read once at boot: `latencyMs` delays every
 * bridge reply; `dropReplies` swallows the next N replies (the remaining count is written back so
 * reloads do not reset it); `reloadMidRequest` makes the next `open` reload the page right after
 * its `ack` is posted (no `done`; one shot, cleared on the server before reloading).
 */
import { appBasePath } from './app-base-path.js';
import { fetchSessionAccountId } from './emulator-api.js';
import { fetchCustomize, type SiteCustomize } from './fetch-customize.js';
import { resolveTarget } from './handle-target.js';
import { processMessage, type BridgeDeps } from './iframe-comm.js';
import { fetchKioskControls, saveKioskControls } from './kiosk-controls.js';
import { KioskProjects } from './kiosk-projects.js';
import { holdLoad, type LoadHold } from './load-hold.js';
import { KioskState } from './kiosk-state.js';
import { KIOSK_STYLES } from './kiosk-styles.js';
import { KioskView } from './kiosk-view.js';
import { ReplyControls } from './reply-channel.js';
import { SIGN_IN_OUTCOME, signInWithAuthToken } from './sign-in-with-auth-token.js';

declare global {
  interface Window {
    /** Set by the emulator's kiosk when its bridge listener is attached (NOT CoCalc). */
    __cocalcEmulator?: { listenerLiveAt: number };
  }
}

const KIOSK_ALERT_MS = 15_000; // CoCalc's alert_message timeout: 15 s

/** When the bridge listens: CoCalc's order, the emulator's old one (a test control), or never. */
type BridgeMode = 'early' | 'after-load' | 'never';

/** If nothing asked anything by the time the app has booted, `load` waits this much longer. */
const LOAD_GRACE_MS = 250;
/** CoCalc measures its ping every 30 s; the first value appears then. */
const FIRST_PING_MS = 30_000;

async function boot(): Promise<void> {
  const style = document.createElement('style');
  style.textContent = KIOSK_STYLES;
  document.head.appendChild(style);
  const root = document.getElementById('cocalc-webapp-container') ?? document.body.appendChild(document.createElement('div'));

  const basePath = appBasePath(location.pathname);
  const rememberMeFlag = safeLocalStorage(`remember_me${basePath === '/' ? '' : basePath.slice(1)}`) === 'true';
  const { params, url } = resolveTarget(location.href, basePath, rememberMeFlag);
  history.pushState({}, '', url);

  const kiosk = params.get('fullscreen') === 'kiosk';
  if (kiosk) console.log('CoCalc Kiosk Mode');
  const withoutSession = new URL(location.href);
  if (withoutSession.searchParams.has('session')) {
    withoutSession.searchParams.delete('session');
    history.replaceState(history.state, '', withoutSession.toString());
  }

  const state = new KioskState();
  const mode: BridgeMode = kiosk ? bridgeMode() : 'never';
  const loaded = new Promise<void>((resolve) => {
    if (document.readyState === 'complete') resolve();
    else window.addEventListener('load', () => resolve(), { once: true });
  });
  let bridgeReady!: (deps: BridgeDeps) => void;
  const bridge = new Promise<BridgeDeps>((resolve) => (bridgeReady = resolve));
  const listen = (): void => {
    window.addEventListener('message', (event) => void bridge.then((deps) => processMessage(event, deps)), false);
    window.__cocalcEmulator = { listenerLiveAt: performance.timeOrigin + performance.now() };
  };
  let hold: LoadHold | undefined;
  if (mode === 'early') {
    hold = holdLoad(document, basePath);
    listen();
  }

  const pingStart = performance.now();
  const [customize, controls] = await Promise.all([fetchCustomize(basePath).catch(() => fallbackCustomize()), fetchKioskControls(basePath)]);
  const ping = performance.now() - pingStart;

  if (customize.generation === 'classic') {
    // CoCalc signs in over its websocket, which only connects once the app has loaded: the page
    // reloads after its `load`, never before.
    const outcome = await signInWithAuthToken(basePath, location.href, {
      replaceUrl: (next) => history.replaceState(history.state, '', next),
      reload: () => {
        hold?.release();
        void loaded.then(() => location.reload());
      },
    });
    if (outcome === SIGN_IN_OUTCOME.reloading) return;
  }
  const accountId = await fetchSessionAccountId(basePath);

  let alertTimer: ReturnType<typeof setTimeout> | undefined;
  const view = new KioskView(root, state, customize.siteName, (path) => {
    view.showAlert(`CoCalc is in Kiosk mode, so you may not open "${path}".  Please try visiting ${location.origin} directly.`);
    clearTimeout(alertTimer);
    alertTimer = setTimeout(() => view.showAlert(''), KIOSK_ALERT_MS);
  });
  view.setSignedIn(accountId !== null);
  document.title = customize.siteName;
  const projects = new KioskProjects(basePath, state, view, window.parent);

  let firstReplySent!: () => void;
  const replied = new Promise<void>((resolve) => (firstReplySent = resolve));
  const replies = new ReplyControls(controls, (remaining) => void saveKioskControls(basePath, { dropReplies: remaining }), () => firstReplySent());
  let reloadPending = controls.reloadMidRequest;
  bridgeReady({
    self: window,
    hosts: customize.iframeCommHosts,
    devHttpOrigins: customize.devHttpOrigins,
    state,
    replies,
    // Signed out, CoCalc's kiosk waits forever for the project's row: no reply at all.
    openProject: (projectId: string) => (accountId === null ? new Promise<boolean>(() => {}) : projects.openProject(projectId)),
    openFile: (projectId: string, path: string) => projects.openFile(projectId, path),
    afterAck: (): boolean => {
      if (!reloadPending) return false;
      reloadPending = false;
      // Reload only once the (possibly delayed) ack has gone out, and clear the one-shot first.
      void saveKioskControls(basePath, { reloadMidRequest: false }).finally(() =>
        setTimeout(() => location.reload(), controls.latencyMs + 10),
      );
      return true;
    },
  });

  if (hold) {
    await Promise.race([replied, new Promise((resolve) => setTimeout(resolve, LOAD_GRACE_MS))]);
    hold.release();
  }
  await loaded;
  state.setConnection(accountId === null ? 'disconnected' : 'connected');
  setTimeout(() => state.setPing(ping), FIRST_PING_MS);
  if (mode === 'after-load') listen();
}

/** The bridge test controls the page came with (`<meta name="cocalc-emulator-bridge">`). */
function bridgeMode(): BridgeMode {
  const value = document.querySelector('meta[name="cocalc-emulator-bridge"]')?.getAttribute('content');
  return value === 'after-load' || value === 'never' ? value : 'early';
}

function fallbackCustomize(): SiteCustomize {
  // CoCalc's defaults when customize cannot load: empty iframe_comm_hosts blocks every origin.
  return { siteName: 'CoCalc', iframeCommHosts: [], devHttpOrigins: [], generation: 'classic' };
}

function safeLocalStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage can be blocked in third-party iframes
  }
}

void boot();
