import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { KioskController, type KioskErrorEvent, type KioskFileOpenedEvent, type KioskFileOpenEvent } from '@cocalc-embed/controller';
import { assertProjectPath, CocalcError, cocalcOrigin, PROJECT_NAME_PATTERN, projectPathProblem, redactToken, retryPolicy } from '@cocalc-embed/protocol';
import { abortable } from './abortable.js';
import { asCocalcError } from './as-cocalc-error.js';
import { Deferred } from './deferred.js';
import { CocalcErrorEvent } from './events/cocalc-error-event.js';
import { CocalcFileOpenEvent } from './events/cocalc-file-open-event.js';
import { CocalcFileOpenedEvent } from './events/cocalc-file-opened-event.js';
import { CocalcReadyEvent } from './events/cocalc-ready-event.js';
import { createKioskFrame, navigateFrame } from './kiosk-frame.js';
import { NotebookState } from './notebook-state.js';
import { SIGN_IN } from './sign-in-eras.js';
import { getTokenBroker, type TokenBroker, type TokenGrant } from './token-broker.js';
import type { TokenProvider } from './token-provider.js';
import { CSP_BLOCKED_URLS, watchCspViolations } from './csp-violations.js';

/** How far outside the viewport a `lazy` element starts loading. */
const LAZY_ROOT_MARGIN = '300px';

/** The element as its session sees it: its properties, and what the session may change on it. */
/** A path change that a kiosk reload interrupts is sent again this many times in all. */
const PATH_OPEN_ATTEMPTS = 3;

export interface SessionHost extends ReactiveControllerHost, HTMLElement {
  readonly path: string;
  readonly project: string | undefined;
  readonly tokenEndpoint: string;
  readonly tokenProvider: TokenProvider | undefined;
  readonly tokenBroker: TokenBroker | undefined;
  readonly loading: 'eager' | 'lazy' | 'click';
  readonly readyTimeout: number;
  readonly debug: boolean;
  readonly state: NotebookState;
  readonly openFiles: readonly string[];
  readonly error: CocalcError | undefined;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** What the session changes on the element; the element keeps these private. */
export interface SessionView {
  setState(next: NotebookState, silent?: boolean): void;
  setError(error: CocalcError | undefined): void;
  setFiles(files: readonly string[]): void;
  log(message: string): void;
}

/**
 * The life of `<cocalc-notebook>`'s session, as a Lit reactive controller: load (now, on
 * intersection or on click, as `loading` says), token → sign-in → kiosk frame → KioskController →
 * ready, renewal after expiry or a lost sign-in, recovery when the network comes back, and teardown.
 * One session at a time; every step checks it still belongs to the current one (`generation`).
 */
export class NotebookSession implements ReactiveController {
  /** The controller of the current kiosk, once its frame exists. */
  controller: KioskController | undefined;
  /** The token of the current session. */
  grant: TokenGrant | undefined;
  /** Settles when the open triggered by the latest `path` change finishes. */
  pathOpened: Promise<{ projectId: string; path: string }> | undefined;
  /** Resolves with the controller when the current session's kiosk is ready. */
  readyDeferred = new Deferred<KioskController>(true);

  readonly #host: SessionHost;
  readonly #view: SessionView;
  #generation = 0;
  #session: AbortController | undefined;
  /** Listeners for `online`/`visibilitychange` while a recoverable failure is shown. */
  #recovery: AbortController | undefined;
  #frame: HTMLIFrameElement | undefined;
  #observer: IntersectionObserver | undefined;
  #pathOpen: AbortController | undefined;
  /** Ends the securitypolicyviolation listener of {@link watchCspViolations} (while connected). */
  #stopCspWatch: (() => void) | undefined;
  #renewals = 0;

  constructor(host: SessionHost, view: SessionView) {
    this.#host = host;
    this.#view = view;
    host.addController(this);
  }

  hostConnected(): void {
    // What this page's CSP refuses of CoCalc, for diagnose(): kept on the element under a
    // registered symbol, so it is not API and the separately bundled diagnose reads it.
    const host = this.#host as unknown as Record<symbol, string[] | undefined>;
    if (!Object.hasOwn(host, CSP_BLOCKED_URLS)) Object.defineProperty(host, CSP_BLOCKED_URLS, { value: [] });
    this.#stopCspWatch = watchCspViolations(this.#host.ownerDocument, () => this.grant?.response.cocalcUrl, host[CSP_BLOCKED_URLS]!);
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
    if (host.state !== NotebookState.IDLE || host.loading === 'click') return; // the facade button starts a click
    if (host.loading === 'lazy' && typeof IntersectionObserver === 'function') {
      this.#unobserve();
      const observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return;
          this.#unobserve();
          void this.mount('initial');
        },
        { rootMargin: LAZY_ROOT_MARGIN },
      );
      this.#observer = observer;
      observer.observe(host);
      return;
    }
    void this.mount('initial');
  }

  /** Starts over with a fresh token and kiosk (Retry, `reload()`, a changed source attribute). */
  reload(): Promise<KioskController> {
    this.#unobserve();
    void this.mount('reload');
    return this.readyDeferred.promise;
  }

  /** The controller once ready; rejects NOT_READY in the error state, ABORTED when `signal` aborts. */
  whenReady(signal: AbortSignal | undefined): Promise<KioskController> {
    const host = this.#host;
    if (host.state === NotebookState.READY && this.controller) return Promise.resolve(this.controller);
    if (host.state === NotebookState.ERROR) {
      return Promise.reject(new CocalcError('NOT_READY', 'The embed is in the error state; call reload() first.', { cause: host.error }));
    }
    const ready = this.readyDeferred.promise;
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
    if (this.#frame) this.#frame.title = frameTitle(this.#host.path);
  }

  /**
   * One session: token → sign-in (as its era says) → kiosk frame → controller → ready. `kind`
   * says why: `initial`, `reload` (host asked or Retry), `renew` (the session expired or was lost).
   */
  async mount(kind: 'initial' | 'reload' | 'renew', expired = false): Promise<void> {
    const host = this.#host;
    const view = this.#view;
    const restore = this.controller ? this.controller.desiredFiles.map((file) => file.path) : [...host.openFiles];
    if (kind !== 'renew') this.#renewals = 0;
    const previousDeferred = this.readyDeferred;
    this.#end(undefined);
    // Keep one promise for callers already waiting unless it already settled.
    this.readyDeferred = previousDeferred.settled ? new Deferred<KioskController>(true) : previousDeferred;
    const generation = ++this.#generation;
    const session = new AbortController();
    this.#session = session;
    const signal = session.signal;
    const stale = (): boolean => generation !== this.#generation || signal.aborted;
    view.setError(undefined);

    try {
      // Let the first render happen, and let frameworks finish setting properties: React (and
      // @lit/react) connect the element first and set its properties later in the same task.
      await host.updateComplete;
      if (stale()) return;
      const path = host.path;
      assertProjectPath(path);
      const project = host.project ?? undefined;
      if (project !== undefined && !PROJECT_NAME_PATTERN.test(project)) {
        throw new CocalcError('INVALID_ARGUMENT', 'The project attribute must be 1–64 letters, digits, ".", "_" or "-".', {
          details: { field: 'project' },
        });
      }
      // An expired session stays `expired` until the fresh token is in hand.
      view.setState(expired ? NotebookState.EXPIRED : NotebookState.TOKEN);

      const grant = await this.#broker().get({ endpoint: host.tokenEndpoint, path, project, provider: host.tokenProvider }, signal);
      if (stale()) return;
      this.grant = grant;
      const { response } = grant;
      view.log(`token …${redactToken(response.token)} for ${response.path} (${response.signIn}, expires in ${response.expiresIn} s)`);
      view.setState(NotebookState.LOADING);

      const stage = host.renderRoot.querySelector<HTMLElement>('.stage');
      if (!stage) throw new CocalcError('NOT_READY', 'The element has not rendered yet.');
      const url = await SIGN_IN[response.signIn].kioskUrl(response, stage, signal);
      if (stale()) return;

      const origin = cocalcOrigin(response.cocalcUrl);
      const frame = createKioskFrame(frameTitle(path), origin);
      stage.appendChild(frame);
      this.#frame = frame;
      const controller = KioskController.connect(frame, { origin, readyTimeout: host.readyTimeout, debug: host.debug });
      this.controller = controller;
      this.#wire(controller, signal, generation, restore);
      frame.addEventListener(
        'load',
        () => {
          if (!stale() && host.state === NotebookState.LOADING) view.setState(NotebookState.CONNECTING);
        },
        { signal },
      );
      // Navigated, not src'd: the token never sits in an attribute (see navigateFrame).
      navigateFrame(frame, url);
    } catch (error) {
      if (!stale()) this.#fail(asCocalcError(error));
    }
  }

  #wire(controller: KioskController, signal: AbortSignal, generation: number, restore: readonly string[]): void {
    const host = this.#host;
    const view = this.#view;
    let first = true;
    const live = (): boolean => generation === this.#generation && !signal.aborted;
    const onReady = (): void => {
      if (!live() || host.state === NotebookState.READY) return;
      view.setState(NotebookState.READY);
      const grant = this.grant!;
      const projectId = grant.response.projectId;
      this.readyDeferred.resolve(controller);
      host.dispatchEvent(new CocalcReadyEvent(controller, projectId));
      if (!first) return;
      first = false;
      this.#revokeRedeemed(grant);
      // The kiosk URL showed `path`; opening it (and whatever was open before a renewal) through
      // the controller makes it part of desiredFiles, so a kiosk reload brings it back too.
      const paths = [...new Set([host.path, ...restore])].filter((p) => !projectPathProblem(p));
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
            else this.report(failure);
          },
        );
      });
    };
    const on = <K extends 'ready' | 'reload' | 'file-open' | 'file-opened' | 'error'>(type: K, listener: (event: Event) => void): void =>
      controller.addEventListener(type, (event: Event) => live() && listener(event), { signal });
    on('ready', onReady);
    void controller.ready.then(onReady, () => undefined); // in case it became ready before we listened
    on('reload', () => view.setState(NotebookState.CONNECTING));
    on('file-open', (event) => {
      const { projectId, path } = event as KioskFileOpenEvent;
      host.dispatchEvent(new CocalcFileOpenEvent(projectId, path));
    });
    on('file-opened', (event) => {
      const { projectId, path } = event as KioskFileOpenedEvent;
      const files = host.openFiles;
      if (projectId === this.grant?.response.projectId && !files.includes(path)) view.setFiles([...files, path]);
      host.dispatchEvent(new CocalcFileOpenedEvent(projectId, path));
    });
    on('error', (event) => {
      const error = (event as KioskErrorEvent).error;
      // The kiosk never answered. If the token had expired by then, or the session was lost
      // after expiry, renew in place once; without expiry, one retry with a fresh token.
      if (CocalcError.is(error, 'READY_TIMEOUT')) this.#renewOnce(error, error);
      else this.report(error);
    });
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
    const expired = this.grant !== undefined && this.#broker().isExpired(this.grant);
    if (this.#renewals >= 1) {
      this.#fail(
        expired ? new CocalcError('TOKEN_EXPIRED', 'The CoCalc session expired and a fresh token did not help.', { cause: error }) : final,
      );
      return;
    }
    this.#renewals++;
    this.#view.log(expired ? 'token expired: renewing the session' : `${error.code}: one retry with a fresh token`);
    void this.mount('renew', expired);
  }

  #fail(error: CocalcError): void {
    this.#view.setError(error);
    this.#view.log(`error ${error.code}: ${error.message}`);
    this.#view.setState(NotebookState.ERROR);
    this.readyDeferred.reject(error);
    this.readyDeferred = new Deferred<KioskController>(true);
    this.#host.dispatchEvent(new CocalcErrorEvent(error));
    this.#watchForRecovery(error);
  }

  /**
   * A failure whose policy says it recovers by itself (the network or the backend was away, or a
   * first visit was still provisioning) is tried again when the browser comes back online or the
   * tab becomes visible again. Other failures wait for Retry or `reload()`.
   */
  #watchForRecovery(error: CocalcError): void {
    this.#recovery?.abort();
    this.#recovery = undefined;
    const policy = retryPolicy(error.code);
    if (policy !== 'recover' && policy !== 'backoff') return;
    const recovery = new AbortController();
    this.#recovery = recovery;
    const retry = (): void => {
      if (document.visibilityState === 'hidden') return;
      recovery.abort();
      if (this.#host.state === NotebookState.ERROR && this.#host.isConnected) {
        this.#view.log(`online and visible again: retrying after ${error.code}`);
        this.reload().catch(() => undefined); // a new failure is reported as state + cocalc-error
      }
    };
    window.addEventListener('online', retry, { signal: recovery.signal });
    document.addEventListener('visibilitychange', retry, { signal: recovery.signal });
  }

  /**
   * Once the kiosk has signed in, a token whose era says so has done its job: the backend revokes
   * it, so the bearer secret is useless to anything that saw it. Only for tokens from the endpoint
   * (a `tokenProvider` host revokes its own way). Best effort: the outcome is only logged.
   */
  #revokeRedeemed(grant: TokenGrant): void {
    const host = this.#host;
    if (!SIGN_IN[grant.response.signIn].revokeWhenReady || host.tokenProvider) return;
    const tail = redactToken(grant.response.token);
    this.#broker()
      .revoke({ endpoint: host.tokenEndpoint }, grant.response.token)
      .then(
        (status) => this.#view.log(`token …${tail} revoke: HTTP ${status}`),
        () => this.#view.log('token revoke failed (network)'),
      );
  }

  /** Reports a failure that no promise carries. */
  report(error: CocalcError): void {
    this.#view.log(`error ${error.code}: ${error.message}`);
    this.#host.dispatchEvent(new CocalcErrorEvent(error));
  }

  /** Tears the current session down: token request, sign-in frame, kiosk frame, controller. */
  #end(reason: CocalcError | undefined): void {
    this.#recovery?.abort();
    this.#recovery = undefined;
    this.#generation++;
    this.#session?.abort();
    this.#session = undefined;
    this.#pathOpen?.abort(new CocalcError('DESTROYED', 'The kiosk this open was meant for is gone.'));
    this.#pathOpen = undefined;
    this.controller?.destroy();
    this.controller = undefined;
    this.#frame = undefined;
    this.#host.renderRoot?.querySelector?.('.stage')?.replaceChildren();
    if (reason) {
      this.readyDeferred.reject(reason);
      this.readyDeferred = new Deferred<KioskController>(true);
    }
  }

  #unobserve(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  /** `path` changed: open it in the running kiosk (superseding an open still under way). */
  openPath(): void {
    const controller = this.controller;
    const state = this.#host.state;
    if (!controller) {
      // Still fetching a token or signing in: start over for the new path.
      if (state === NotebookState.TOKEN || state === NotebookState.LOADING) void this.mount('reload');
      return;
    }
    this.#pathOpen?.abort(new CocalcError('SUPERSEDED', 'The path changed again before this file finished opening.'));
    const pending = new AbortController();
    this.#pathOpen = pending;
    const path = this.#host.path;
    const opened = (async () => {
      try {
        assertProjectPath(path);
        // A kiosk reload in mid-open (a url-era CoCalc reloads once after signing in) rejects
        // RELOADED; the open waits for the reloaded kiosk and is sent again, a few times at most.
        for (let attempt = 1; ; attempt++) {
          try {
            return await controller.open(path, { projectId: this.projectId(), signal: pending.signal });
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
      if (error.code !== 'SUPERSEDED' && error.code !== 'DESTROYED') this.report(error);
    });
    this.pathOpened = opened;
  }

  #broker(): TokenBroker {
    return this.#host.tokenBroker ?? getTokenBroker();
  }
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

/** The last segment of a path, the file's name. */
export function fileName(path: string): string {
  return path.split('/').filter(Boolean).pop() ?? '';
}

function frameTitle(path: string): string {
  const name = fileName(path);
  return name ? `CoCalc: ${name}` : 'CoCalc';
}
