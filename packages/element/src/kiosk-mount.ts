import { KioskController, type KioskErrorEvent, type KioskFileOpenedEvent, type KioskFileOpenEvent } from '@cocalc-embed/controller';
import { assertProjectPath, CocalcError, cocalcOrigin, PROJECT_NAME_PATTERN, projectPathProblem, redactToken } from '@cocalc-embed/protocol';
import { asCocalcError } from './as-cocalc-error.js';
import { CocalcFileOpenEvent } from './events/cocalc-file-open-event.js';
import { CocalcFileOpenedEvent } from './events/cocalc-file-opened-event.js';
import { CocalcReadyEvent } from './events/cocalc-ready-event.js';
import { createKioskFrame, kioskFrameTitle, navigateFrame } from './kiosk-frame.js';
import { NotebookState } from './notebook-state.js';
import { revokeRedeemed } from './revoke-redeemed.js';
import type { SessionHost, SessionView } from './session-host.js';
import { isSignedOutSign, type SessionRenewal } from './session-renewal.js';
import { SIGN_IN } from './sign-in-eras.js';
import type { TokenBroker, TokenGrant } from './token-broker.js';

/** What a {@link KioskMount} asks of the session that started it. */
export interface MountSession {
  readonly host: SessionHost;
  readonly view: SessionView;
  readonly renewal: SessionRenewal;
  /** The broker, looked up at each use: the host may change `tokenBroker` at any time. */
  broker(): TokenBroker;
  /** The token is in hand; the session keeps it beyond this mount (renewal asks if it expired). */
  granted(grant: TokenGrant): void;
  /** The kiosk answers: settles the session's `ready` promise. */
  resolveReady(controller: KioskController): void;
  /** The mount failed: the element goes to the error state. */
  fail(error: CocalcError): void;
  /** A failure that no promise carries: logged and dispatched as `cocalc-error`. */
  report(error: CocalcError): void;
}

/**
 * One kiosk, from start to teardown: token → sign-in (as its era says) → kiosk frame →
 * KioskController, and then what the running kiosk's events do to the element. A session makes a
 * new mount for every start (first load, `reload()`, renewal) and ends the old one; a mount that
 * is no longer its session's current one goes quiet at its next step ({@link stale}), so a slow
 * token or sign-in from an older start can never show up in a newer one.
 */
export class KioskMount {
  /** The mount's controller, once its frame exists. */
  controller: KioskController | undefined;
  /** The kiosk frame, once it exists. */
  frame: HTMLIFrameElement | undefined;

  readonly #session: MountSession;
  readonly #current: () => boolean;
  /** Cancels the token request and the sign-in, and removes every listener of this mount. */
  readonly #abort = new AbortController();

  /** @param current whether this is still its session's current mount */
  constructor(session: MountSession, current: () => boolean) {
    this.#session = session;
    this.#current = current;
  }

  /** True once the session started another mount or ended this one: every later step is skipped. */
  stale(): boolean {
    return !this.#current() || this.#abort.signal.aborted;
  }

  /**
   * Loads the kiosk. `expired`: the previous session's token expired, so the element stays
   * `expired` until the fresh one is in hand. `restore`: files open before, to open again once
   * ready. A failure goes to the session's `fail`, unless the mount is stale by then.
   */
  async load(expired: boolean, restore: readonly string[]): Promise<void> {
    const { host, view } = this.#session;
    const signal = this.#abort.signal;
    try {
      // Let the first render happen, and let frameworks finish setting properties: React (and
      // @lit/react) connect the element first and set its properties later in the same task.
      await host.updateComplete;
      if (this.stale()) return;
      const path = host.path;
      assertProjectPath(path);
      const project = host.project ?? undefined;
      if (project !== undefined && !PROJECT_NAME_PATTERN.test(project)) {
        throw new CocalcError('INVALID_ARGUMENT', 'The project attribute must be 1–64 letters, digits, ".", "_" or "-".', {
          details: { field: 'project' },
        });
      }
      view.setState(expired ? NotebookState.EXPIRED : NotebookState.TOKEN);

      const grant = await this.#session.broker().get({ endpoint: host.tokenEndpoint, path, project, provider: host.tokenProvider }, signal);
      if (this.stale()) return;
      this.#session.granted(grant);
      const { response } = grant;
      view.log(`token …${redactToken(response.token)} for ${response.path} (${response.signIn}, expires in ${response.expiresIn} s)`);
      view.setState(NotebookState.LOADING);

      const stage = host.renderRoot.querySelector<HTMLElement>('.stage');
      if (!stage) throw new CocalcError('NOT_READY', 'The element has not rendered yet.');
      const url = await SIGN_IN[response.signIn].kioskUrl(response, stage, signal);
      if (this.stale()) return;

      const origin = cocalcOrigin(response.cocalcUrl);
      const frame = createKioskFrame(kioskFrameTitle(path), origin);
      stage.appendChild(frame);
      this.frame = frame;
      // Connected and wired before the frame navigates, so no message of the kiosk is missed.
      const controller = KioskController.connect(frame, { origin, readyTimeout: host.readyTimeout, debug: host.debug });
      this.controller = controller;
      this.#wire(controller, grant, restore);
      frame.addEventListener(
        'load',
        () => {
          if (!this.stale() && host.state === NotebookState.LOADING) view.setState(NotebookState.CONNECTING);
        },
        { signal },
      );
      // Navigated, not src'd: the token never sits in an attribute (see navigateFrame).
      navigateFrame(frame, url);
    } catch (error) {
      if (!this.stale()) this.#session.fail(asCocalcError(error));
    }
  }

  /** Ends the mount: cancels what is under way, removes its listeners, destroys its controller. */
  end(): void {
    this.#abort.abort();
    this.controller?.destroy();
    this.controller = undefined;
    this.frame = undefined;
  }

  /** What the running kiosk's events do: element states and `cocalc-*` events, renewal on failure. */
  #wire(controller: KioskController, grant: TokenGrant, restore: readonly string[]): void {
    const { host, view, renewal } = this.#session;
    const projectId = grant.response.projectId;
    let first = true;
    const onReady = (): void => {
      if (this.stale() || host.state === NotebookState.READY) return;
      view.setState(NotebookState.READY);
      this.#session.resolveReady(controller);
      host.dispatchEvent(new CocalcReadyEvent(controller, projectId));
      if (!first) return;
      first = false;
      revokeRedeemed(grant, this.#session.broker(), host, (message) => view.log(message));
      // The kiosk URL showed `path`; opening it (and whatever was open before a renewal) through
      // the controller makes it part of desiredFiles, so a kiosk reload brings it back too.
      const paths = [...new Set([host.path, ...restore])].filter((p) => !projectPathProblem(p));
      paths.forEach((path, index) => {
        controller.open(path, { projectId }).then(
          () => {
            // The session demonstrably works: a later expiry may be renewed again.
            if (index === 0 && !this.stale()) renewal.reset();
          },
          (error: unknown) => {
            // RELOADED is no failure: the file stays in desiredFiles and the controller opens it
            // again in the reloaded kiosk (a url-era CoCalc reloads once after signing in).
            if (this.stale() || CocalcError.is(error, 'DESTROYED') || CocalcError.is(error, 'RELOADED')) return;
            const failure = asCocalcError(error);
            if (index === 0 && isSignedOutSign(failure)) renewal.signInLost(failure);
            else this.#session.report(failure);
          },
        );
      });
    };
    const on = <K extends 'ready' | 'reload' | 'file-open' | 'file-opened' | 'error'>(type: K, listener: (event: Event) => void): void =>
      controller.addEventListener(type, (event: Event) => !this.stale() && listener(event), { signal: this.#abort.signal });
    on('ready', onReady);
    void controller.ready.then(onReady, () => undefined); // in case it became ready before we listened
    on('reload', () => view.setState(NotebookState.CONNECTING));
    on('file-open', (event) => {
      const { projectId, path } = event as KioskFileOpenEvent;
      host.dispatchEvent(new CocalcFileOpenEvent(projectId, path));
    });
    on('file-opened', (event) => {
      const { projectId: opened, path } = event as KioskFileOpenedEvent;
      const files = host.openFiles;
      if (opened === projectId && !files.includes(path)) view.setFiles([...files, path]);
      host.dispatchEvent(new CocalcFileOpenedEvent(opened, path));
    });
    on('error', (event) => {
      const error = (event as KioskErrorEvent).error;
      // The kiosk never answered. If the token had expired by then, or the session was lost
      // after expiry, renew in place once; without expiry, one retry with a fresh token.
      if (CocalcError.is(error, 'READY_TIMEOUT')) renewal.readyTimedOut(error);
      else this.#session.report(error);
    });
  }
}
