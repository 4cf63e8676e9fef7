import type { ReactiveController } from 'lit';
import type { KioskController } from '@cocalc-embed/controller';
import { CocalcError } from '@cocalc-embed/protocol';
import { abortable } from './abortable.js';
import { recordCspViolations } from './csp-violations.js';
import { CocalcErrorEvent } from './events/cocalc-error-event.js';
import { kioskFrameTitle } from './kiosk-frame.js';
import { KioskMount, type MountSession } from './kiosk-mount.js';
import { NotebookState } from './notebook-state.js';
import { onNearViewport } from './on-near-viewport.js';
import { PathOpener } from './path-opener.js';
import { ReadyPromise } from './ready-promise.js';
import type { SessionHost, SessionView } from './session-host.js';
import { SessionRecovery } from './session-recovery.js';
import { SessionRenewal } from './session-renewal.js';
import { getTokenBroker, type TokenBroker, type TokenGrant } from './token-broker.js';

/**
 * The life of `<cocalc-notebook>`'s session, as a Lit reactive controller: when to start (now, on
 * intersection or on click, as `loading` says), when to start over, and teardown. It decides when;
 * the parts do the work: {@link KioskMount} loads one kiosk (token → sign-in → frame → controller)
 * and handles its events, {@link SessionRenewal} renews after expiry or a lost sign-in,
 * {@link SessionRecovery} retries when the network comes back, {@link PathOpener} opens a changed
 * `path`. One mount at a time: starting a new one ends the old, whose late steps then do nothing.
 */
export class NotebookSession implements ReactiveController {
  /** The token of the current session (kept while a new one is fetched: renewal asks if it expired). */
  grant: TokenGrant | undefined;

  readonly #host: SessionHost;
  readonly #view: SessionView;
  readonly #ready = new ReadyPromise();
  #mount: KioskMount | undefined;
  /** What each mount may ask of this session. */
  readonly #mountSession: MountSession;
  /** Stops waiting for a `lazy` element to near the viewport. */
  #stopWaiting: (() => void) | undefined;
  /** Ends the securitypolicyviolation listener of {@link recordCspViolations} (while connected). */
  #stopCspWatch: (() => void) | undefined;
  readonly #paths = new PathOpener((error) => this.report(error));
  readonly #recovery = new SessionRecovery((error) => {
    if (this.#host.state !== NotebookState.ERROR || !this.#host.isConnected) return;
    this.#view.log(`online and visible again: retrying after ${error.code}`);
    this.reload().catch(() => undefined); // a new failure is reported as state + cocalc-error
  });
  readonly #renewal = new SessionRenewal({
    expired: () => this.grant !== undefined && this.#broker().isExpired(this.grant),
    renew: (expired) => void this.mount('renew', expired),
    fail: (error) => this.#fail(error),
    log: (message) => this.#view.log(message),
  });

  constructor(host: SessionHost, view: SessionView) {
    this.#host = host;
    this.#view = view;
    this.#mountSession = {
      host,
      view,
      renewal: this.#renewal,
      broker: () => this.#broker(),
      granted: (grant) => (this.grant = grant),
      resolveReady: (controller) => this.#ready.resolve(controller),
      fail: (error) => this.#fail(error),
      report: (error) => this.report(error),
    };
    host.addController(this);
  }

  /** The controller of the current kiosk, once its frame exists. */
  get controller(): KioskController | undefined {
    return this.#mount?.controller;
  }

  /** Resolves with the controller when the current session's kiosk is ready. */
  get ready(): Promise<KioskController> {
    return this.#ready.promise;
  }

  /** Settles when the open triggered by the latest `path` change finishes. */
  get pathOpened(): Promise<{ projectId: string; path: string }> | undefined {
    return this.#paths.opened;
  }

  hostConnected(): void {
    this.#stopCspWatch = recordCspViolations(this.#host, () => this.grant?.response.cocalcUrl);
    this.arm();
  }

  hostDisconnected(): void {
    this.#stopCspWatch?.();
    this.#stopCspWatch = undefined;
    this.#unobserve();
    this.#end(new CocalcError('DESTROYED', 'The <cocalc-notebook> element was removed from the page.'));
    // Quietly back to idle: a removed element announces nothing; re-insertion starts over.
    this.#view.setState(NotebookState.IDLE, true);
  }

  /** Starts now, on intersection, or on click, as `loading` says. */
  arm(): void {
    const host = this.#host;
    if (host.state !== NotebookState.IDLE) return;
    // A `loading` change while idle re-arms: the wait for the viewport of an earlier `lazy` must
    // end, or it would start the session a second time when the element comes into view.
    this.#unobserve();
    if (host.loading === 'click') return; // the facade button starts it
    const start = (): void => void this.mount('initial');
    if (host.loading !== 'lazy') return start();
    this.#stopWaiting = onNearViewport(host, start);
  }

  /** Starts over with a fresh token and kiosk (Retry, `reload()`, a changed source attribute). */
  reload(): Promise<KioskController> {
    this.#unobserve();
    void this.mount('reload');
    return this.ready;
  }

  /** The controller once ready; rejects NOT_READY in the error state, ABORTED when `signal` aborts. */
  whenReady(signal: AbortSignal | undefined): Promise<KioskController> {
    const host = this.#host;
    if (host.state === NotebookState.READY && this.controller) return Promise.resolve(this.controller);
    if (host.state === NotebookState.ERROR) {
      return Promise.reject(new CocalcError('NOT_READY', 'The embed is in the error state; call reload() first.', { cause: host.error }));
    }
    const ready = this.ready;
    return abortable(() => ready, { signal, aborted: () => new CocalcError('ABORTED', 'The call was cancelled.') });
  }

  /** The project of the current session, or NOT_READY. */
  projectId(): string {
    const projectId = this.grant?.response.projectId;
    if (!projectId) throw new CocalcError('NOT_READY', 'No CoCalc project yet.');
    return projectId;
  }

  /** The frame's title follows `path`. */
  retitle(): void {
    const frame = this.#mount?.frame;
    if (frame) frame.title = kioskFrameTitle(this.#host.path);
  }

  /** `path` changed: open it in the running kiosk (superseding an open still under way). */
  openPath(): void {
    const controller = this.controller;
    if (controller) return this.#paths.open(controller, this.#host.path, () => this.projectId());
    // Still fetching a token or signing in: start over for the new path.
    const state = this.#host.state;
    if (state === NotebookState.TOKEN || state === NotebookState.LOADING) void this.mount('reload');
  }

  /**
   * Starts a new mount, ending the current one. `kind` says why: `initial`, `reload` (host asked or
   * Retry), `renew` (the session expired or was lost; `expired` if its token had expired).
   */
  async mount(kind: 'initial' | 'reload' | 'renew', expired = false): Promise<void> {
    // Files open now are opened again in the new kiosk.
    const restore = this.controller ? this.controller.desiredFiles.map((file) => file.path) : [...this.#host.openFiles];
    if (kind !== 'renew') this.#renewal.reset();
    this.#end(undefined);
    // Keep one promise for callers already waiting unless it already settled.
    this.#ready.next();
    const mount: KioskMount = new KioskMount(this.#mountSession, () => this.#mount === mount);
    this.#mount = mount;
    this.#view.setError(undefined);
    await mount.load(expired, restore);
  }

  /** Reports a failure that no promise carries. */
  report(error: CocalcError): void {
    this.#view.log(`error ${error.code}: ${error.message}`);
    this.#host.dispatchEvent(new CocalcErrorEvent(error));
  }

  #fail(error: CocalcError): void {
    this.#view.setError(error);
    this.#view.log(`error ${error.code}: ${error.message}`);
    this.#view.setState(NotebookState.ERROR);
    this.#ready.reject(error);
    this.#host.dispatchEvent(new CocalcErrorEvent(error));
    this.#recovery.watch(error);
  }

  /** Tears the current session down: token request, sign-in frame, kiosk frame, controller. */
  #end(reason: CocalcError | undefined): void {
    this.#recovery.stop();
    const mount = this.#mount;
    this.#mount = undefined; // from here on, whatever the old mount still does is stale
    this.#paths.abort(new CocalcError('DESTROYED', 'The kiosk this open was meant for is gone.'));
    mount?.end();
    this.#host.renderRoot?.querySelector?.('.stage')?.replaceChildren();
    if (reason) this.#ready.reject(reason);
  }

  #unobserve(): void {
    this.#stopWaiting?.();
    this.#stopWaiting = undefined;
  }

  #broker(): TokenBroker {
    return this.#host.tokenBroker ?? getTokenBroker();
  }
}
