import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { KioskController, KioskStatus } from '@cocalc-embed/controller';
import { DEFAULT_TOKEN_ENDPOINT, type CocalcError } from '@cocalc-embed/protocol';
import { styles } from './cocalc-notebook.styles.js';
import { CocalcFilesChangeEvent } from './events/cocalc-files-change-event.js';
import { CocalcStateChangeEvent } from './events/cocalc-state-change-event.js';
import { fileName } from './file-name.js';
import { NotebookSession } from './notebook-session.js';
import { NotebookState, STATE_ANNOUNCEMENTS } from './notebook-state.js';
import type { TokenBroker } from './token-broker.js';
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
  #files: readonly string[] = [];
  /** Load, renew, recover: the session's life (a Lit reactive controller). */
  readonly #session = new NotebookSession(this, {
    setState: (next, silent) => this.#setState(next, silent),
    setError: (error) => (this._error = error),
    setFiles: (files) => this.#setFiles(files),
    log: (message) => this.#log(message),
  });

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
    return this.#session.controller;
  }

  /** CoCalc's base URL for the current session, from the token response. */
  get cocalcUrl(): string | undefined {
    return this.#session.grant?.response.cocalcUrl;
  }

  /** The CoCalc project of the current session, from the token response. */
  get projectId(): string | undefined {
    return this.#session.grant?.response.projectId;
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
    return this.#session.ready;
  }

  /**
   * Settles when the open triggered by the latest `path` change finishes; rejects `SUPERSEDED` when
   * `path` changes again first. `undefined` until `path` changes on a running kiosk.
   */
  get pathOpened(): Promise<{ projectId: string; path: string }> | undefined {
    return this.#session.pathOpened;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Initial values are not changes: the first mount reads them.
    if (!this.hasUpdated || !this.isConnected) return;
    const remount = (['project', 'tokenEndpoint', 'tokenProvider', 'tokenBroker'] as const).some((key) => changed.has(key));
    if (remount && this._state !== NotebookState.IDLE) void this.#session.mount('reload');
    else if (changed.has('path')) this.#session.openPath();
    if (changed.has('loading') && this._state === NotebookState.IDLE) this.#session.arm();
    if (changed.has('path')) this.#session.retitle();
  }

  /** Opens `path` in the kiosk (resolves on CoCalc's `done`). Waits for ready first. */
  async open(path: string, options: NotebookCallOptions = {}): Promise<{ projectId: string; path: string }> {
    const controller = await this.#session.whenReady(options.signal);
    return controller.open(path, { ...options, projectId: this.#session.projectId() });
  }

  /** Closes `path` (CoCalc has no close: `closeall`, then the other files are re-opened). */
  async close(path: string, options: NotebookCallOptions = {}): Promise<void> {
    const controller = await this.#session.whenReady(options.signal);
    await controller.close(path, { ...options, projectId: this.#session.projectId() });
    this.#syncFilesFromController(controller);
  }

  /** Closes every file in the kiosk. */
  async closeAll(options: NotebookCallOptions = {}): Promise<void> {
    const controller = await this.#session.whenReady(options.signal);
    await controller.closeAll(options);
    this.#syncFilesFromController(controller);
  }

  /** Asks CoCalc for its connection and open files; also refreshes `openFiles`. */
  async status(options: NotebookCallOptions = {}): Promise<KioskStatus> {
    const controller = await this.#session.whenReady(options.signal);
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
    return this.#session.reload();
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

  readonly #onFacadeClick = (): void => {
    void this.#session.mount('initial');
  };

  readonly #onRetryClick = (): void => {
    void this.reload().catch(() => undefined); // failures surface as state + cocalc-error
  };

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

  #setState(next: NotebookState, silent = false): void {
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

