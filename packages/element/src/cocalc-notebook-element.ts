import { html, LitElement, nothing, type PropertyValues } from 'lit';
import {
  KioskController,
  type KioskErrorEvent,
  type KioskFileOpenedEvent,
  type KioskFileOpenEvent,
  type KioskStatus,
} from '@cocalc-embed/controller';
import {
  CocalcError,
  cocalcOrigin,
  DEFAULT_TOKEN_ENDPOINT,
  impersonateUrl,
  kioskUrl,
  parseTokenResponse,
  PROJECT_NAME_PATTERN,
  projectPathProblem,
  redactToken,
  TOKEN_REQUEST_HEADER,
} from '@cocalc-embed/protocol';
import { styles } from './cocalc-notebook.styles.js';
import { Deferred } from './deferred.js';
import { CocalcErrorEvent } from './events/cocalc-error-event.js';
import { CocalcFileOpenEvent } from './events/cocalc-file-open-event.js';
import { CocalcFileOpenedEvent } from './events/cocalc-file-opened-event.js';
import { CocalcFilesChangeEvent } from './events/cocalc-files-change-event.js';
import { CocalcReadyEvent } from './events/cocalc-ready-event.js';
import { CocalcStateChangeEvent } from './events/cocalc-state-change-event.js';
import { CSP_BLOCKED_URLS, watchCspViolations } from './csp-violations.js';
import { impersonateSignIn } from './impersonate-sign-in.js';
import { createKioskFrame, navigateFrame } from './kiosk-frame.js';
import { NotebookState, STATE_ANNOUNCEMENTS } from './notebook-state.js';
import { getTokenBroker, type TokenBroker, type TokenGrant } from './token-broker.js';
import type { TokenProvider } from './token-provider.js';

/** How `<cocalc-notebook>` decides when to fetch a token and create its iframe. */
export type NotebookLoading = 'eager' | 'lazy' | 'click';

/** Options accepted by the element's delegating methods. */
export interface NotebookCallOptions {
  /** Cancels the call (rejects ABORTED). */
  signal?: AbortSignal;
  /** Overrides the controller's timeout for this call, in ms. */
  timeout?: number;
}

/** How far outside the viewport a `lazy` element starts loading. */
const LAZY_ROOT_MARGIN = '300px';
/** A `tokenProvider` gets as long as the endpoint would (security-reference G2). */
const PROVIDER_TIMEOUT_MS = 10_000;
/** A path change that a kiosk reload interrupts is sent again this many times in all. */
const PATH_OPEN_ATTEMPTS = 3;

/**
 * Failures that can heal without anyone touching the page: the network or the backend was away, or
 * the backend was still provisioning a first visit (it goes on in the background).
 */
const RECOVERS_BY_ITSELF: ReadonlySet<string> = new Set(['TOKEN_UNAVAILABLE', 'TOKEN_TIMEOUT', 'UPSTREAM_ERROR', 'RATE_LIMITED', 'PROVISIONING_TIMEOUT']);

/**
 * A signed-in CoCalc editor in kiosk mode. The page names a file; the page's backend decides the
 * CoCalc account and project and mints a short-lived token; the element signs the kiosk in the way
 * the token response says, and drives it over CoCalc's postMessage protocol.
 *
 * @summary Embeds a live CoCalc notebook (or any CoCalc file) that the page can open, close and query.
 * @tag cocalc-notebook
 *
 * @fires {CocalcStateChangeEvent} cocalc-state-change - On every lifecycle transition (`state`, `previous`).
 * @fires {CocalcReadyEvent} cocalc-ready - When the kiosk answers (first load, kiosk reload, renewed session).
 * @fires {CocalcFileOpenEvent} cocalc-file-open - When CoCalc acknowledged an open (`ack`).
 * @fires {CocalcFileOpenedEvent} cocalc-file-opened - When CoCalc finished opening a file (`done`).
 * @fires {CocalcFilesChangeEvent} cocalc-files-change - When the element's list of open files changed.
 * @fires {CocalcErrorEvent} cocalc-error - When something failed that no promise reports (carries a `CocalcError`).
 *
 * @slot loading - Shown while signing in and connecting. Default: a spinner and a status line.
 * @slot error - Shown in the `error` state. Default: the message, the hint and a Retry button.
 * @slot facade - Label of the `loading="click"` facade button. Default: "Open <file> in CoCalc".
 *
 * @csspart frame - The kiosk iframe.
 * @csspart loading - The loading overlay.
 * @csspart error - The error overlay.
 * @csspart message - The error message line of the default error view.
 * @csspart hint - The hint line of the default error view.
 * @csspart retry - The Retry button of the default error view.
 * @csspart facade - The button shown by `loading="click"` before it is clicked.
 *
 * @cssprop [--cocalc-notebook-height=600px] - Height of the element.
 * @cssprop [--cocalc-notebook-border=1px solid #d0d7de] - Border of the element.
 * @cssprop [--cocalc-notebook-radius=4px] - Corner radius.
 * @cssprop [--cocalc-notebook-background=#fff] - Background of the element and its overlays.
 * @cssprop [--cocalc-notebook-color=#1f2328] - Text colour of the overlays.
 * @cssprop [--cocalc-notebook-accent=#4474c0] - Buttons and spinner.
 * @cssprop [--cocalc-notebook-font=14px/1.4 system-ui, sans-serif] - Font of the overlays.
 *
 * @cssstate idle - Nothing requested yet (lazy off-screen, click facade).
 * @cssstate token - Fetching a token.
 * @cssstate loading - Signing in and loading the kiosk.
 * @cssstate connecting - Kiosk loaded, waiting for CoCalc's first answer.
 * @cssstate ready - CoCalc answers; methods work.
 * @cssstate error - Failed; see `error` and the `cocalc-error` event.
 * @cssstate expired - The session expired and is being renewed.
 */
export class CocalcNotebookElement extends LitElement {
  static override styles = styles;

  // Reactive properties declared here rather than with decorators: the same declarations, without
  // esbuild's decorator helper and one call per field in the bundle (see the accessor note below).
  static override properties = {
    path: { reflect: false },
    project: {},
    tokenEndpoint: { attribute: 'token-endpoint' },
    loading: {},
    debug: { type: Boolean },
    readyTimeout: { type: Number, attribute: 'ready-timeout' },
    tokenProvider: { attribute: false },
    tokenBroker: { attribute: false },
    _state: { state: true, attribute: false },
    _error: { state: true, attribute: false },
    _announcement: { state: true, attribute: false },
  };

  /** File to show, relative to the project's home. Changing it opens the new file in the running kiosk. */
  path = '';

  /**
   * Optional project name that the backend maps to a CoCalc project. Never a CoCalc project id:
   * that always comes from the token response.
   */
  project: string | undefined = undefined;

  /** Same-origin URL of the token endpoint. */
  tokenEndpoint: string = DEFAULT_TOKEN_ENDPOINT;

  /**
   * `eager` (default) loads at once; `lazy` mints no token and creates no iframe until the element
   * nears the viewport; `click` shows a facade button until it is clicked.
   */
  loading: NotebookLoading = 'eager';

  /** Logs lifecycle steps to the console (tokens redacted) and keeps the controller's debug log. */
  debug = false;

  /** Ms the kiosk has to answer its first status probe before `READY_TIMEOUT` (default 30 000). */
  readyTimeout = 30_000;

  /**
   * Property only: mint tokens your own way instead of `POST token-endpoint`. The answer is
   * validated like the endpoint's. A token itself is never an attribute or a property.
   */
  tokenProvider: TokenProvider | undefined = undefined;

  /** Property only: the token broker to use; defaults to the page-wide one shared by every element. */
  tokenBroker: TokenBroker | undefined = undefined;

  private _state: NotebookState = NotebookState.IDLE;
  private _error: CocalcError | undefined = undefined;
  private _announcement = '';

  #internals: ElementInternals | undefined;
  #generation = 0;
  #session: AbortController | undefined;
  #controller: KioskController | undefined;
  #grant: TokenGrant | undefined;
  /** Listeners for `online`/`visibilitychange` while a recoverable failure is shown. */
  #recovery: AbortController | undefined;
  #frame: HTMLIFrameElement | undefined;
  #observer: IntersectionObserver | undefined;
  /** Ends the securitypolicyviolation listener of {@link watchCspViolations} (while connected). */
  #stopCspWatch: (() => void) | undefined;
  #readyDeferred: Deferred<KioskController> = new Deferred<KioskController>(true);
  #pathOpen: AbortController | undefined;
  #pathOpened: Promise<{ projectId: string; path: string }> | undefined;
  #files: readonly string[] = [];
  #renewals = 0;

  constructor() {
    super();
    // ElementInternals gives us :state(); guarded for old engines and DOM shims.
    this.#internals = typeof this.attachInternals === 'function' ? this.attachInternals() : undefined;
    this.#internals?.states?.add(this._state);
  }

  /** Current lifecycle state (also `:state(<name>)` in CSS and the `cocalc-state-change` event). */
  get state(): NotebookState {
    return this._state;
  }

  /** The last failure that put the element in the `error` state, if any. */
  get error(): CocalcError | undefined {
    return this._error;
  }

  /** The controller of the current kiosk, once a kiosk frame exists; a new one after `reload()` or renewal. */
  get controller(): KioskController | undefined {
    return this.#controller;
  }

  /** CoCalc's base URL for the current session, from the token response. */
  get cocalcUrl(): string | undefined {
    return this.#grant?.response.cocalcUrl;
  }

  /** The CoCalc project of the current session, from the token response. */
  get projectId(): string | undefined {
    return this.#grant?.response.projectId;
  }

  /** Paths the element knows to be open in its project (from opens, closes and `status()`). */
  get openFiles(): readonly string[] {
    return this.#files;
  }

  /**
   * Resolves with the controller when the kiosk is ready. A fresh promise per session (after
   * `reload()`, renewal, or re-insertion); rejects when that session fails or the element is removed.
   */
  get ready(): Promise<KioskController> {
    return this.#readyDeferred.promise;
  }

  /**
   * Settles when the open triggered by the latest `path` change finishes; rejects `SUPERSEDED` when
   * `path` changes again first. `undefined` until `path` changes on a running kiosk.
   */
  get pathOpened(): Promise<{ projectId: string; path: string }> | undefined {
    return this.#pathOpened;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // What this page's CSP refuses of CoCalc, for diagnose(): not a class member, so not API.
    if (!Object.hasOwn(this, CSP_BLOCKED_URLS)) Object.defineProperty(this, CSP_BLOCKED_URLS, { value: [] });
    this.#stopCspWatch = watchCspViolations(this.ownerDocument, () => this.cocalcUrl, (this as unknown as Record<symbol, string[]>)[CSP_BLOCKED_URLS]!);
    this.#arm();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopCspWatch?.();
    this.#stopCspWatch = undefined;
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#endSession(new CocalcError('DESTROYED', 'The <cocalc-notebook> element was removed from the page.'));
    // Quietly back to idle: a removed element announces nothing; re-insertion starts over.
    this.#setState(NotebookState.IDLE, { silent: true });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Initial values are not changes: the first mount reads them.
    if (!this.hasUpdated || !this.isConnected) return;
    const remount = (['project', 'tokenEndpoint', 'tokenProvider', 'tokenBroker'] as const).some((key) => changed.has(key));
    if (remount && this._state !== NotebookState.IDLE) void this.#mount('reload');
    else if (changed.has('path')) this.#onPathChange();
    if (changed.has('loading') && this._state === NotebookState.IDLE) this.#arm();
    if (changed.has('path') && this.#frame) this.#frame.title = frameTitle(this.path);
  }

  /** Opens `path` in the kiosk (resolves on CoCalc's `done`). Waits for ready first. */
  async open(path: string, options: NotebookCallOptions = {}): Promise<{ projectId: string; path: string }> {
    const controller = await this.#whenReady(options.signal);
    const result = await controller.open(path, { ...options, projectId: this.#projectIdOrThrow() });
    return result;
  }

  /** Closes `path` (CoCalc has no close: `closeall`, then the other files are re-opened). */
  async close(path: string, options: NotebookCallOptions = {}): Promise<void> {
    const controller = await this.#whenReady(options.signal);
    await controller.close(path, { ...options, projectId: this.#projectIdOrThrow() });
    this.#syncFilesFromController(controller);
  }

  /** Closes every file in the kiosk. */
  async closeAll(options: NotebookCallOptions = {}): Promise<void> {
    const controller = await this.#whenReady(options.signal);
    await controller.closeAll(options);
    this.#syncFilesFromController(controller);
  }

  /** Asks CoCalc for its connection and open files; also refreshes `openFiles`. */
  async status(options: NotebookCallOptions = {}): Promise<KioskStatus> {
    const controller = await this.#whenReady(options.signal);
    const status = await controller.status(options);
    const projectId = this.projectId;
    if (projectId) this.#setFiles(status.openFiles[projectId] ?? []);
    return status;
  }

  /**
   * Starts over with a fresh token and a fresh kiosk, re-opening the files that were open. Also
   * what the error view's Retry button does. Resolves when the new kiosk is ready.
   */
  reload(): Promise<KioskController> {
    this.#observer?.disconnect();
    this.#observer = undefined;
    void this.#mount('reload');
    return this.ready;
  }

  protected override render(): unknown {
    const s = this._state;
    const busy = s === 'token' || s === 'loading' || s === 'connecting' || s === 'expired';
    return html`
      <div class="stage" ?hidden=${s === 'error'}></div>
      ${s === 'idle' && this.loading === 'click'
        ? html`<div class="overlay">
            <button part="facade" class="facade" type="button" @click=${this.#onFacadeClick}>
              <slot name="facade">Open ${fileName(this.path) || 'notebook'} in CoCalc</slot>
            </button>
          </div>`
        : nothing}
      ${busy
        ? html`<div part="loading" class="overlay" aria-busy="true">
            <slot name="loading">
              <div class="spinner" aria-hidden="true"></div>
              <p class="hint">${STATE_ANNOUNCEMENTS[s]}</p>
            </slot>
          </div>`
        : nothing}
      ${s === 'error'
        ? html`<div part="error" class="overlay" role="alert">
            <slot name="error">
              <p part="message" class="message">${this._error?.message ?? 'CoCalc could not be loaded.'}</p>
              ${this._error?.hint ? html`<p part="hint" class="hint">${this._error.hint}</p>` : nothing}
              <button part="retry" type="button" @click=${this.#onRetryClick}>Retry</button>
            </slot>
          </div>`
        : nothing}
      <div class="visually-hidden" role="status" aria-live="polite">${this._announcement}</div>
    `;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Starts now, on intersection, or on click, as `loading` says. */
  #arm(): void {
    if (this._state !== NotebookState.IDLE) return;
    if (this.loading === 'click') return; // the facade button starts it
    if (this.loading === 'lazy' && typeof IntersectionObserver === 'function') {
      this.#observer?.disconnect();
      this.#observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return;
          this.#observer?.disconnect();
          this.#observer = undefined;
          void this.#mount('initial');
        },
        { rootMargin: LAZY_ROOT_MARGIN },
      );
      this.#observer.observe(this);
      return;
    }
    void this.#mount('initial');
  }

  readonly #onFacadeClick = (): void => {
    void this.#mount('initial');
  };

  readonly #onRetryClick = (): void => {
    void this.reload().catch(() => undefined); // failures surface as state + cocalc-error
  };

  /**
   * One session: token → (impersonate) → kiosk frame → controller → ready. `kind` says why:
   * `initial`, `reload` (host asked or Retry), `renew` (the session expired).
   */
  async #mount(kind: 'initial' | 'reload' | 'renew', { expired = false } = {}): Promise<void> {
    const restore = this.#controller ? this.#controller.desiredFiles.map((file) => file.path) : [...this.#files];
    if (kind !== 'renew') this.#renewals = 0;
    const previousDeferred = this.#readyDeferred;
    this.#endSession(undefined);
    // Keep one promise for callers already waiting unless it already settled.
    this.#readyDeferred = previousDeferred.settled ? new Deferred<KioskController>(true) : previousDeferred;
    const generation = ++this.#generation;
    const session = new AbortController();
    this.#session = session;
    const stale = (): boolean => generation !== this.#generation || session.signal.aborted;
    this._error = undefined;

    try {
      // Let the first render happen, and let frameworks finish setting properties: React (and
      // @lit/react) connect the element first and set its properties later in the same task.
      await this.updateComplete;
      if (stale()) return;
      const path = this.path;
      checkPathAttribute(path);
      if (this.project !== undefined && this.project !== null && !PROJECT_NAME_PATTERN.test(this.project)) {
        throw new CocalcError('INVALID_ARGUMENT', 'The project attribute must be 1–64 letters, digits, ".", "_" or "-".', {
          details: { field: 'project' },
        });
      }
      // An expired session stays `expired` until the fresh token is in hand.
      this.#setState(expired ? NotebookState.EXPIRED : NotebookState.TOKEN);

      const grant = await this.#getToken(path, session.signal);
      if (stale()) return;
      this.#grant = grant;
      const { response } = grant;
      this.#log(`token …${redactToken(response.token)} for ${response.path} (${response.signIn}, expires in ${response.expiresIn} s)`);
      this.#setState(NotebookState.LOADING);

      const stage = this.#stage();
      let url: string;
      if (response.signIn === 'impersonate') {
        await impersonateSignIn(stage, impersonateUrl({ cocalcUrl: response.cocalcUrl, authToken: response.token }), {
          signal: session.signal,
        });
        if (stale()) return;
        url = kioskUrl({ cocalcUrl: response.cocalcUrl, projectId: response.projectId, path: response.path });
      } else {
        url = kioskUrl({ cocalcUrl: response.cocalcUrl, projectId: response.projectId, path: response.path, authToken: response.token });
      }

      const origin = cocalcOrigin(response.cocalcUrl);
      const frame = createKioskFrame(frameTitle(path), origin);
      stage.appendChild(frame);
      this.#frame = frame;
      const controller = KioskController.connect(frame, {
        origin,
        readyTimeout: this.readyTimeout,
        debug: this.debug,
      });
      this.#controller = controller;
      this.#wireController(controller, session.signal, generation, restore);
      frame.addEventListener(
        'load',
        () => {
          if (!stale() && this._state === NotebookState.LOADING) this.#setState(NotebookState.CONNECTING);
        },
        { signal: session.signal },
      );
      // Navigated, not src'd: the token never sits in an attribute (see navigateFrame).
      navigateFrame(frame, url);
    } catch (error) {
      if (stale()) return;
      this.#fail(asCocalcError(error));
    }
  }

  #wireController(controller: KioskController, signal: AbortSignal, generation: number, restore: readonly string[]): void {
    let first = true;
    const live = (): boolean => generation === this.#generation && !signal.aborted;
    const onReady = (): void => {
      if (!live() || this._state === NotebookState.READY) return;
      this.#setState(NotebookState.READY);
      const projectId = this.#grant!.response.projectId;
      this.#readyDeferred.resolve(controller);
      this.dispatchEvent(new CocalcReadyEvent(controller, projectId));
      if (first) {
        first = false;
        this.#revokeRedeemed(this.#grant!);
        // The kiosk URL showed `path`; opening it (and whatever was open before a renewal) through
        // the controller makes it part of desiredFiles, so a kiosk reload brings it back too.
        const paths = [...new Set([this.path, ...restore])].filter((p) => !projectPathProblem(p));
        paths.forEach((path, index) => {
          controller.open(path, { projectId }).then(
            () => {
              // The session demonstrably works: a later expiry may be renewed again.
              if (index === 0 && live()) this.#renewals = 0;
            },
            (error: unknown) => {
              // RELOADED is no failure: the file stays in desiredFiles and the controller opens it
              // again in the reloaded kiosk (a url-era CoCalc reloads once after signing in).
              if (!live() || CocalcError.is(error, 'DESTROYED') || CocalcError.is(error, 'RELOADED')) return;
              const failure = asCocalcError(error);
              if (index === 0 && isSignedOutSign(failure)) this.#onSignInLost(failure);
              else this.#report(failure);
            },
          );
        });
      }
    };
    controller.addEventListener('ready', onReady, { signal });
    void controller.ready.then(onReady, () => undefined); // in case it became ready before we listened
    controller.addEventListener(
      'reload',
      () => {
        if (live()) this.#setState(NotebookState.CONNECTING);
      },
      { signal },
    );
    controller.addEventListener(
      'file-open',
      (event) => {
        const { projectId, path } = event as KioskFileOpenEvent;
        if (live()) this.dispatchEvent(new CocalcFileOpenEvent(projectId, path));
      },
      { signal },
    );
    controller.addEventListener(
      'file-opened',
      (event) => {
        const { projectId, path } = event as KioskFileOpenedEvent;
        if (!live()) return;
        if (projectId === this.projectId && !this.#files.includes(path)) this.#setFiles([...this.#files, path]);
        this.dispatchEvent(new CocalcFileOpenedEvent(projectId, path));
      },
      { signal },
    );
    controller.addEventListener(
      'error',
      (event) => {
        if (!live()) return;
        const error = (event as KioskErrorEvent).error;
        if (CocalcError.is(error, 'READY_TIMEOUT')) this.#onReadyTimeout(error);
        else this.#report(error);
      },
      { signal },
    );
  }

  /**
   * The kiosk never answered. If the token had expired by then (C5), or the session was lost after
   * expiry, renew in place once: `expired` → new token → new kiosk → the files come back. Without
   * expiry, one automatic retry with a fresh token (security-reference B1), then stop.
   */
  #onReadyTimeout(error: CocalcError): void {
    this.#renewOnce(error, error);
  }

  /** The kiosk answers but is not signed in: renew once, then SESSION_BLOCKED (or TOKEN_EXPIRED). */
  #onSignInLost(error: CocalcError): void {
    this.#renewOnce(
      error,
      new CocalcError('SESSION_BLOCKED', 'CoCalc loaded but is not signed in, even with a fresh token.', {
        cause: error,
        details: { mesg: error.details.mesg, sign: error.code },
      }),
    );
  }

  /** One renewal per failing streak; `final` is reported when the renewed session fails too. */
  #renewOnce(error: CocalcError, final: CocalcError): void {
    const expired = this.#grant !== undefined && this.#broker().isExpired(this.#grant);
    if (this.#renewals >= 1) {
      this.#fail(
        expired
          ? new CocalcError('TOKEN_EXPIRED', 'The CoCalc session expired and a fresh token did not help.', { cause: error })
          : final,
      );
      return;
    }
    this.#renewals++;
    this.#log(expired ? 'token expired: renewing the session' : `${error.code}: one retry with a fresh token`);
    void this.#mount('renew', { expired });
  }

  #fail(error: CocalcError): void {
    this._error = error;
    this.#log(`error ${error.code}: ${error.message}`);
    this.#setState(NotebookState.ERROR);
    const failed = this.#readyDeferred;
    failed.reject(error);
    this.#readyDeferred = new Deferred<KioskController>(true);
    this.dispatchEvent(new CocalcErrorEvent(error));
    this.#watchForRecovery(error);
  }

  /**
   * A failure caused by the network or the backend being away may heal by itself: when the
   * browser comes back online, or the tab becomes visible again, try once more (design.md: the
   * broker re-checks on visibilitychange/online). Other failures wait for Retry or `reload()`.
   */
  #watchForRecovery(error: CocalcError): void {
    this.#recovery?.abort();
    this.#recovery = undefined;
    if (!RECOVERS_BY_ITSELF.has(error.code)) return;
    const recovery = new AbortController();
    this.#recovery = recovery;
    const retry = (): void => {
      if (document.visibilityState === 'hidden') return;
      recovery.abort();
      if (this._state === NotebookState.ERROR && this.isConnected) {
        this.#log(`online and visible again: retrying after ${error.code}`);
        this.reload().catch(() => undefined); // a new failure is reported as state + cocalc-error
      }
    };
    window.addEventListener('online', retry, { signal: recovery.signal });
    document.addEventListener('visibilitychange', retry, { signal: recovery.signal });
  }

  /**
   * Once the kiosk has signed in through /auth/impersonate, the token has done its job: ask the
   * backend to revoke it, so the 24 h bearer secret is useless to anything that saw its URL
   * (security-reference F5, G6). The kiosk session lives on in CoCalc's cookie. Only for tokens
   * from the endpoint (a `tokenProvider` host revokes its own way), only in the impersonate era
   * (API v1 has no revocation; the url era's kiosk may need the token again on reload).
   * Best effort: failures are logged in debug mode and change nothing else.
   */
  #revokeRedeemed(grant: TokenGrant): void {
    if (grant.response.signIn !== 'impersonate' || this.tokenProvider) return;
    fetch(revokeEndpoint(this.tokenEndpoint || DEFAULT_TOKEN_ENDPOINT), {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1' },
      body: JSON.stringify({ token: grant.response.token }),
    }).then(
      (res) => this.#log(`token …${redactToken(grant.response.token)} revoke: HTTP ${res.status}`),
      () => this.#log('token revoke failed (network)'),
    );
  }

  #report(error: CocalcError): void {
    this.#log(`error ${error.code}: ${error.message}`);
    this.dispatchEvent(new CocalcErrorEvent(error));
  }

  /** Tears the current session down: token request, sign-in frame, kiosk frame, controller. */
  #endSession(reason: CocalcError | undefined): void {
    this.#recovery?.abort();
    this.#recovery = undefined;
    this.#generation++;
    this.#session?.abort();
    this.#session = undefined;
    this.#pathOpen?.abort(new CocalcError('DESTROYED', 'The kiosk this open was meant for is gone.'));
    this.#pathOpen = undefined;
    this.#controller?.destroy();
    this.#controller = undefined;
    this.#frame = undefined;
    this.renderRoot?.querySelector?.('.stage')?.replaceChildren();
    if (reason) {
      this.#readyDeferred.reject(reason);
      this.#readyDeferred = new Deferred<KioskController>(true);
    }
  }

  // ---- path changes ----------------------------------------------------------------------------

  #onPathChange(): void {
    const controller = this.#controller;
    if (!controller) {
      // Still fetching a token or signing in: start over for the new path.
      if (this._state === NotebookState.TOKEN || this._state === NotebookState.LOADING) void this.#mount('reload');
      return;
    }
    this.#pathOpen?.abort(new CocalcError('SUPERSEDED', 'The path changed again before this file finished opening.'));
    const pending = new AbortController();
    this.#pathOpen = pending;
    const path = this.path;
    const opened = (async () => {
      try {
        checkPathAttribute(path);
        // A kiosk reload in mid-open (a url-era CoCalc reloads once after signing in) rejects
        // RELOADED; the open waits for the reloaded kiosk and is sent again, a few times at most.
        for (let attempt = 1; ; attempt++) {
          try {
            return await controller.open(path, { projectId: this.#projectIdOrThrow(), signal: pending.signal });
          } catch (error) {
            if (!CocalcError.is(error, 'RELOADED') || attempt >= PATH_OPEN_ATTEMPTS) throw error;
          }
        }
      } catch (error) {
        // The controller reports our abort as ABORTED; say why it was aborted instead.
        if (pending.signal.aborted && CocalcError.is(pending.signal.reason)) throw pending.signal.reason;
        throw asCocalcError(error);
      } finally {
        if (this.#pathOpen === pending) this.#pathOpen = undefined;
      }
    })();
    opened.catch((error: CocalcError) => {
      if (error.code !== 'SUPERSEDED' && error.code !== 'DESTROYED') this.#report(error);
    });
    this.#pathOpened = opened;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  #broker(): TokenBroker {
    return this.tokenBroker ?? getTokenBroker();
  }

  async #getToken(path: string, signal: AbortSignal): Promise<TokenGrant> {
    const project = this.project ?? undefined;
    const provider = this.tokenProvider;
    if (!provider) return this.#broker().get({ endpoint: this.tokenEndpoint || DEFAULT_TOKEN_ENDPOINT, path, project }, signal);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const local = new AbortController();
    const onAbort = (): void => local.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const answer = await Promise.race([
        provider({ path, project, signal: local.signal }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            local.abort();
            reject(new CocalcError('TOKEN_TIMEOUT', `tokenProvider did not answer within ${PROVIDER_TIMEOUT_MS} ms.`));
          }, PROVIDER_TIMEOUT_MS);
        }),
      ]);
      // Same validation as the endpoint: a bad token never reaches an iframe.
      return this.#broker().grant(parseTokenResponse(answer));
    } catch (error) {
      if (CocalcError.is(error)) throw error;
      throw new CocalcError('TOKEN_UNAVAILABLE', 'tokenProvider failed.', { cause: error });
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #whenReady(signal: AbortSignal | undefined): Promise<KioskController> {
    if (this._state === NotebookState.READY && this.#controller) return this.#controller;
    if (this._state === NotebookState.ERROR) {
      throw new CocalcError('NOT_READY', 'The embed is in the error state; call reload() first.', { cause: this._error });
    }
    if (!signal) return this.ready;
    const cancelled = (): CocalcError => new CocalcError('ABORTED', 'The call was cancelled.');
    if (signal.aborted) throw cancelled();
    return new Promise<KioskController>((resolve, reject) => {
      const onAbort = (): void => reject(cancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      this.ready.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  #projectIdOrThrow(): string {
    const projectId = this.projectId;
    if (!projectId) throw new CocalcError('NOT_READY', 'No CoCalc project yet.');
    return projectId;
  }

  #syncFilesFromController(controller: KioskController): void {
    const projectId = this.projectId;
    this.#setFiles(controller.desiredFiles.filter((file) => file.projectId === projectId).map((file) => file.path));
  }

  #setFiles(files: readonly string[]): void {
    const next = Object.freeze([...files]);
    if (next.length === this.#files.length && next.every((file, i) => file === this.#files[i])) return;
    this.#files = next;
    this.dispatchEvent(new CocalcFilesChangeEvent(next));
  }

  #stage(): HTMLElement {
    const stage = this.renderRoot.querySelector<HTMLElement>('.stage');
    if (!stage) throw new CocalcError('NOT_READY', 'The element has not rendered yet.');
    return stage;
  }

  #setState(next: NotebookState, { silent = false } = {}): void {
    const previous = this._state;
    if (previous === next) return;
    this._state = next;
    const states = this.#internals?.states;
    if (states) {
      states.delete(previous);
      states.add(next);
    }
    this._announcement = STATE_ANNOUNCEMENTS[next];
    this.#log(`state ${previous} → ${next}`);
    if (!silent) this.dispatchEvent(new CocalcStateChangeEvent(next, previous));
  }

  #log(message: string): void {
    if (this.debug) console.debug(`<cocalc-notebook>${this.id ? `#${this.id}` : ''}: ${message}`);
  }
}

// Create the reactive accessors on the prototype now, as decorators did, instead of at the first
// customElements.define(): @lit/react tells properties from attributes by looking there.
void CocalcNotebookElement.observedAttributes;

/** Throws INVALID_ARGUMENT when `path` is not a usable project path. */
function checkPathAttribute(path: string): void {
  const problem = projectPathProblem(path);
  if (problem) throw new CocalcError('INVALID_ARGUMENT', `The path attribute ${problem}.`, { details: { field: 'path' } });
}

/**
 * Whether the failed open of the embed's own file says the kiosk is not signed in (CoCalc installs
 * its listener and answers `status` either way): the token expired before CoCalc redeemed it, or
 * the session cookie did not stick. Older CoCalc refuses with "problem opening project …"; a
 * current one, signed out, never acknowledges the open at all (no `ack`: REQUEST_TIMEOUT; CoCalc
 * acks at once when it can open the project, before any slow work).
 */
function isSignedOutSign(failure: CocalcError): boolean {
  if (failure.code === 'REQUEST_TIMEOUT') return true;
  return failure.code === 'REMOTE_ERROR' && /problem opening project/i.test(String(failure.details.mesg));
}

function asCocalcError(error: unknown): CocalcError {
  if (CocalcError.is(error)) return error;
  return new CocalcError('NOT_READY', error instanceof Error ? error.message : 'Unexpected failure.', { cause: error });
}

/** `{endpoint}/revoke`, with `/revoke` added to the path even when the endpoint has a query. */
function revokeEndpoint(endpoint: string): string {
  const url = new URL(endpoint, location.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/revoke`;
  return url.href;
}

function fileName(path: string): string {
  return path.split('/').filter(Boolean).pop() ?? '';
}

function frameTitle(path: string): string {
  const name = fileName(path);
  return name ? `CoCalc: ${name}` : 'CoCalc';
}
