/**
 * The emulator's stand-in for CoCalc's frontend in a kiosk iframe: bundled by esbuild as
 * `{base}/static/app.js` and loaded by `{base}/static/app.html`. It reproduces what CoCalc's
 * frontend does there (cocalc-reference.md §1–§2) and nothing CoCalc lacks, except the clearly
 * marked test controls and the dev-only http origin relaxation.
 *
 * Boot, in order:
 * 1. `handleTarget` (`client/handle-target.ts`): the hub sent us to
 *    `static/app.html?target=<path+query>`; parse the target and its own query, merge the page's
 *    other params, and `history.pushState` `{base}/projects/<pid>/files/<path>?…` (no target:
 *    `{base}/projects` if the `remember_me{base}` local-storage flag is set, else `{base}/settings`).
 * 2. `fullscreen=kiosk` ⇒ kiosk mode. The session is forced empty in kiosk mode, and the `session`
 *    param is removed from the address (`replaceState`).
 * 3. `GET {base}/customize` (site name, `iframe_comm_hosts`, and our `emulator` key:
 *    `generation`, `dev_http_origins`) and `GET {base}/__emulator/controls`, both before the
 *    bridge exists — CoCalc's bridge awaits the customize store before checking any origin.
 * 4. Sign-in. Generation `classic` = era C (2023-08 … 2024-10-18): an `auth_token` param is
 *    removed from the address (`replaceState`), sent as `sign_in_using_auth_token`
 *    (`POST /api/emulator/hub`, our websocket stand-in); on success the browser fetches
 *    `/cookies?set=remember_me&value=…` and the page reloads. On failure: nothing helpful, the
 *    user stays signed out and sees the banner (sagemathinc/cocalc#5392). Generation `modern` =
 *    era D: the param is not read at all; only cookies from `/auth/impersonate` sign in.
 *    Who is signed in: `GET /api/emulator/session`.
 * 5. The postMessage bridge (`iframe-communication.ts`), only when the URL had `fullscreen=kiosk`
 *    at load; see `iframe-comm.ts`. No ready message is ever posted. When attached,
 *    `window.__cocalcEmulator = { listenerLiveAt }` (epoch ms) lets benchmarks read the moment.
 * 6. The route's file (`projects/<pid>/files/<path>`) is opened as the foreground editor.
 *
 * UI: the site-name banner when nothing is open or nobody is signed in; otherwise one tab-less,
 * read-only editor (notebook cells, Markdown, or plain text); a "Project is not running" prompt with
 * a Start button for a stopped project. Links to other files are refused with CoCalc's kiosk alert.
 * Each open posts CoCalc's `cocalc-project-log` entry to `window.parent` with `"*"`, then a
 * load-time update with the same id.
 *
 * Test controls (NOT CoCalc; read once at boot; all off by default): `latencyMs` delays every
 * bridge reply; `dropReplies` swallows the next N replies (the remaining count is written back
 * so reloads do not reset it); `neverReady` never attaches the listener; `reloadMidRequest` makes
 * the next `open` reload the page right after its `ack` is posted (no `done`; one shot, cleared
 * on the server before reloading).
 */
import { appBasePath } from './app-base-path.js';
import { fetchSessionAccountId } from './emulator-api.js';
import { fetchCustomize, type SiteCustomize } from './fetch-customize.js';
import { resolveTarget } from './handle-target.js';
import { processMessage } from './iframe-comm.js';
import { fetchKioskControls, saveKioskControls } from './kiosk-controls.js';
import { KioskProjects } from './kiosk-projects.js';
import { parseKioskRoute } from './kiosk-route.js';
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

async function boot(): Promise<void> {
  const style = document.createElement('style');
  style.textContent = KIOSK_STYLES;
  document.head.appendChild(style);
  const root = document.getElementById('cocalc-webapp-container') ?? document.body.appendChild(document.createElement('div'));

  const basePath = appBasePath(location.pathname);
  const rememberMeFlag = safeLocalStorage(`remember_me${basePath === '/' ? '' : basePath.slice(1)}`) === 'true';
  const { target, params, url } = resolveTarget(location.href, basePath, rememberMeFlag);
  history.pushState({}, '', url);

  const kiosk = params.get('fullscreen') === 'kiosk';
  if (kiosk) console.log('CoCalc Kiosk Mode');
  const withoutSession = new URL(location.href);
  if (withoutSession.searchParams.has('session')) {
    withoutSession.searchParams.delete('session');
    history.replaceState(history.state, '', withoutSession.toString());
  }

  const pingStart = performance.now();
  const [customize, controls] = await Promise.all([fetchCustomize(basePath).catch(() => fallbackCustomize()), fetchKioskControls(basePath)]);
  const ping = performance.now() - pingStart;

  if (customize.generation === 'classic') {
    const outcome = await signInWithAuthToken(basePath, location.href);
    if (outcome === SIGN_IN_OUTCOME.reloading) return;
  }
  const accountId = await fetchSessionAccountId(basePath);

  const state = new KioskState();
  let alertTimer: ReturnType<typeof setTimeout> | undefined;
  const view = new KioskView(root, state, customize.siteName, (path) => {
    view.showAlert(`CoCalc is in Kiosk mode, so you may not open "${path}".  Please try visiting ${location.origin} directly.`);
    clearTimeout(alertTimer);
    alertTimer = setTimeout(() => view.showAlert(''), KIOSK_ALERT_MS);
  });
  view.setSignedIn(accountId !== null);
  document.title = customize.siteName;
  const projects = new KioskProjects(basePath, state, view, window.parent);

  if (kiosk && !controls.neverReady) {
    const replies = new ReplyControls(controls, (remaining) => void saveKioskControls(basePath, { dropReplies: remaining }));
    let reloadPending = controls.reloadMidRequest;
    const deps = {
      self: window,
      hosts: customize.iframeCommHosts,
      devHttpOrigins: customize.devHttpOrigins,
      state,
      replies,
      openProject: (projectId: string) => (accountId === null ? Promise.resolve(false) : projects.openProject(projectId)),
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
    };
    window.addEventListener('message', (event) => void processMessage(event, deps), false);
    window.__cocalcEmulator = { listenerLiveAt: performance.timeOrigin + performance.now() };
  }
  state.setConnection('connected', ping);

  const route = parseKioskRoute(target);
  if (accountId !== null && route.projectId !== undefined && route.path !== undefined) {
    const { projectId, path } = route;
    if (await projects.openProject(projectId)) {
      await projects.openFile(projectId, path).catch((err: unknown) => view.showAlert(String(err)));
    }
  }
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
