import {
  assertProjectPath,
  CocalcError,
  isPlainObject,
  isValidUuid,
  parseKioskReply,
  parseProjectLogMessage,
  PROJECT_LOG_SOURCE,
  type CocalcErrorCode,
  type KioskReply,
  type KioskRequest,
  type StatusReply,
} from '@cocalc-embed/protocol';
import { Deferred } from './deferred.js';
import { DebugLog, describeData, type KioskDebugEntry } from './debug-log.js';
import { KioskErrorEvent } from './events/kiosk-error-event.js';
import { KioskFileOpenEvent } from './events/kiosk-file-open-event.js';
import { KioskFileOpenedEvent } from './events/kiosk-file-opened-event.js';
import { KioskProjectLogEvent } from './events/kiosk-project-log-event.js';
import { KioskReadyEvent } from './events/kiosk-ready-event.js';
import { KioskReloadEvent } from './events/kiosk-reload-event.js';
import { KioskStateChangeEvent } from './events/kiosk-state-change-event.js';
import type { KioskControllerEventMap } from './kiosk-controller-event-map.js';
import { callTimeout, resolveOptions, type KioskControllerOptions, type ResolvedKioskControllerOptions } from './kiosk-controller-options.js';
import type { KioskControllerState } from './kiosk-controller-state.js';
import { createStats, type KioskStats, type MutableKioskStats } from './kiosk-stats.js';
import { toKioskStatus, type KioskStatus } from './kiosk-status.js';
import { ProbeSchedule } from './probe-schedule.js';
import { RateLimiter } from './rate-limiter.js';
import { isStatusReply, matchReply, type ReplyExpectation, type ReplyMatch } from './reply-matcher.js';
import { RequestQueue } from './request-queue.js';

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call: removed from the queue if not sent yet, rejected with ABORTED if in flight. */
  signal?: AbortSignal;
  /** ms to wait for the reply once the request is sent (default: the controller's timeout for that action). */
  timeout?: number;
}

/** Options of {@link KioskController.open}. */
export interface OpenOptions extends CallOptions {
  /** The CoCalc project's UUID. */
  projectId: string;
  /** ms until CoCalc's `ack` once sent (default `openAckTimeout`). */
  ackTimeout?: number;
  /** Called on CoCalc's `ack` (progress: the project is known and the file is being opened). */
  onAck?: (info: { projectId: string; path: string }) => void;
}

/** A file the controller keeps open. */
export interface DesiredFile {
  /** Project UUID, lower case. */
  readonly projectId: string;
  /** Path relative to the project's home. */
  readonly path: string;
}

type CallKind = 'status' | 'closeall' | 'open';

/** One call, from the moment it is made until it settles. */
interface Call {
  readonly kind: CallKind;
  readonly projectId: string;
  readonly path: string;
  readonly timeout: number;
  readonly ackTimeout: number;
  readonly deferred: Deferred<unknown>;
  readonly signal: AbortSignal | undefined;
  readonly onAck: OpenOptions['onAck'];
  /** Runs synchronously right after success, before the next call is sent. */
  readonly afterSuccess: (() => void) | undefined;
  acked: boolean;
  timers: number[];
  removeAbortListener: (() => void) | undefined;
}

/** A request whose caller gave up (abort, timeout) but whose reply may still come: it is swallowed. */
interface Zombie {
  readonly expectation: ReplyExpectation;
  readonly timer: number;
}

/**
 * After an aborted or timed-out request, how long the channel waits for its late reply before
 * sending the next request. Without it, a late reply of the same shape would be taken as the
 * answer to the next request, and every following answer would be off by one.
 */
const DRAIN_MS = 1_000;

/**
 * After ready, when several probes were outstanding, how long to wait for their (identical)
 * answers before sending user calls, for the same off-by-one reason. Ends early once every
 * probe of the connection was answered.
 */
const PROBE_SETTLE_MS = 40;

/**
 * Drives one CoCalc kiosk iframe over CoCalc's real postMessage protocol (cocalc-reference.md §1):
 * three actions, no handshake, no request ids, silent failures.
 *
 * - Readiness: `status` probes from the start and again after every iframe `load` (a burst,
 *   then back-off); the first valid status reply makes the connection ready. Nothing is posted
 *   while the frame still shows a document that is not the kiosk's (its initial about:blank).
 *   CoCalc answers as soon as its script runs, often before its document's `load`: that `load`
 *   is the same document finishing, not a reload. A `load` of a kiosk document after ready is a
 *   reload: a new connection, pending calls reject with RELOADED, and the desired files are
 *   re-opened once ready again (see {@link KioskController.connect} for how the two are told apart).
 * - Exactly one request in flight, a bounded FIFO behind it; replies are matched by order and
 *   shape ({@link matchReply}); every call has a timeout and an `AbortSignal`.
 * - Inbound messages are accepted only from `iframe.contentWindow` at exactly `origin`,
 *   rate-limited per source, and validated into fresh null-prototype objects; outbound messages
 *   always name `origin` as targetOrigin, never `"*"`.
 *
 * @fires {KioskReadyEvent} ready - each time a connection becomes ready
 * @fires {KioskReloadEvent} reload - the iframe reloaded after having been ready
 * @fires {KioskFileOpenEvent} file-open - CoCalc acked an open
 * @fires {KioskFileOpenedEvent} file-opened - an open finished
 * @fires {KioskProjectLogEvent} project-log - a validated project-log entry
 * @fires {KioskErrorEvent} error - a failure not tied to a call
 * @fires {KioskStateChangeEvent} state-change - `state` changed
 */
export class KioskController extends EventTarget {
  /**
   * Starts talking to the kiosk in `iframe`. Best called before the frame is navigated to the
   * kiosk (while it still shows its initial about:blank), or once the kiosk has loaded. Throws
   * INVALID_ARGUMENT synchronously on bad options.
   *
   * Which document answered. CoCalc's replies carry no document identity, and the frame's
   * `contentWindow` stays the same object across navigations, so the controller tells documents
   * apart by the order of what it can see:
   * - it posts only while the frame shows a kiosk document (cross-origin to us, or a same-origin
   *   page at exactly `origin`), never to the initial about:blank: every reply therefore comes
   *   from a kiosk document, never from a probe that a blank page swallowed;
   * - it remembers whether the kiosk document in the frame has had its `load` yet. A connection
   *   that became ready BEFORE that load (CoCalc installs its listener while its script runs and
   *   answers `connecting` at once) is waiting for the load of the very document that answered:
   *   that `load` keeps the connection, its calls in flight and its files;
   * - any other `load` of a kiosk document while ready means a new document: a new connection
   *   (generation + 1), the previous document's calls reject RELOADED, and readiness needs a
   *   status reply that arrives after that load. The previous document posted its replies before
   *   it was replaced, so they arrive before the new document's `load`, never after it.
   *
   * Limits: if the frame already shows a cross-origin document at connect(), the controller
   * cannot see whether it has finished loading and assumes it has (a `load` after ready is then
   * a reload, as before); a document that answers and then navigates away before its own `load`
   * is indistinguishable from its successor, whose calls then time out instead of rejecting
   * RELOADED.
   */
  static connect(iframe: HTMLIFrameElement, options: KioskControllerOptions): KioskController {
    if (!iframe || typeof iframe !== 'object' || iframe.tagName !== 'IFRAME') {
      throw new CocalcError('INVALID_ARGUMENT', 'iframe must be an HTMLIFrameElement', { details: { field: 'iframe' } });
    }
    return new KioskController(iframe, resolveOptions(options));
  }

  /** The kiosk iframe. */
  readonly iframe: HTMLIFrameElement;
  /** The normalised kiosk origin; messages are accepted from and posted to exactly this origin. */
  readonly origin: string;

  readonly #options: ResolvedKioskControllerOptions;
  readonly #listeners = new AbortController();
  readonly #timers = new Set<number>();
  readonly #queue: RequestQueue<Call>;
  readonly #probes: ProbeSchedule;
  readonly #limiter: RateLimiter;
  readonly #log: DebugLog | undefined;
  readonly #counters: MutableKioskStats = createStats();
  readonly #desired: DesiredFile[] = [];

  #currentState: KioskControllerState = 'connecting';
  #readyDeferred = new Deferred<void>(true);
  #generation = 1;
  #readyTimer: number | undefined;
  #probeTimer: number | undefined;
  #probesSent = 0;
  #probesAnswered = 0;
  #settleTimer: number | undefined;
  #inFlight: Call | undefined;
  #zombie: Zombie | undefined;
  /** Set by a reload after ready: the desired files must be re-opened on the next ready. */
  #reopenPending = false;
  /** Whether the kiosk document now in the frame has fired its `load` (see {@link KioskController.connect}). */
  #kioskLoaded: boolean;
  /** The ready connection was made before its document's `load`: that load is not a reload. */
  #readyBeforeLoad = false;

  private constructor(iframe: HTMLIFrameElement, options: ResolvedKioskControllerOptions) {
    super();
    this.iframe = iframe;
    this.origin = options.origin;
    this.#options = options;
    this.#queue = new RequestQueue<Call>(options.maxQueue);
    this.#probes = new ProbeSchedule(options.probe);
    this.#limiter = new RateLimiter(options.rateLimit, options.rateBurst);
    this.#log = options.debug ? new DebugLog(200) : undefined;
    this.#kioskLoaded = this.#showsKiosk() && this.#kioskDocumentComplete();
    const hostWindow = iframe.ownerDocument.defaultView ?? window;
    const signal = this.#listeners.signal;
    hostWindow.addEventListener('message', (event) => this.#onMessage(event), { signal });
    iframe.addEventListener('load', () => this.#onLoad(), { signal });
    this.#debug('info', `connect origin=${this.origin} src=${iframe.src}`);
    this.#startConnecting();
  }

  /** Current lifecycle state. */
  get state(): KioskControllerState {
    return this.#currentState;
  }

  /**
   * Resolves when the current connection answered its first status probe; a fresh promise after
   * each reload. Rejects with READY_TIMEOUT (state 'failed') or DESTROYED.
   */
  get ready(): Promise<void> {
    return this.#readyDeferred.promise;
  }

  /** Files that should be open (maintained by open/close/closeAll), oldest first; re-opened after a kiosk reload. */
  get desiredFiles(): ReadonlyArray<DesiredFile> {
    return Object.freeze(this.#desired.map((file) => Object.freeze({ ...file })));
  }

  /** Counters for diagnostics: messages accepted and rejected by origin/source/shape/rate. A snapshot. */
  get stats(): KioskStats {
    return Object.freeze({ ...this.#counters });
  }

  /**
   * Opens `path` in project `projectId` and brings it to the front. Resolves on CoCalc's `done`;
   * `onAck` and a `file-open` event report its `ack`. Rejects REMOTE_ERROR with CoCalc's `mesg`,
   * REQUEST_TIMEOUT without ack, OPEN_TIMEOUT without done, and ABORTED/RELOADED/DESTROYED/
   * QUEUE_FULL/READY_TIMEOUT as their names say. The file joins {@link desiredFiles} at once and
   * leaves it again if the open fails for any reason other than a reload.
   */
  open(path: string, options: OpenOptions): Promise<{ projectId: string; path: string }> {
    try {
      assertProjectPath(path);
      if (!options || !isValidUuid(options.projectId)) {
        throw new CocalcError('INVALID_ARGUMENT', `projectId must be a UUID (got ${JSON.stringify(String(options?.projectId))})`, {
          details: { field: 'projectId' },
        });
      }
      const projectId = options.projectId.toLowerCase();
      const timeout = callTimeout(options.timeout, this.#options.openTimeout);
      const ackTimeout = callTimeout(options.ackTimeout, this.#options.openAckTimeout, 'ackTimeout');
      const guard = this.#refuseCall();
      if (guard) return Promise.reject(guard);
      this.#addDesired(projectId, path);
      const call = this.#makeCall('open', { projectId, path, timeout, ackTimeout, signal: options.signal, onAck: options.onAck });
      this.#submit(call);
      return call.deferred.promise.then(
        () => ({ projectId, path }),
        (error: CocalcError) => {
          if (error.code !== 'RELOADED' && error.code !== 'DESTROYED') this.#removeDesired(projectId, path);
          throw error;
        },
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Closes one file. CoCalc has no per-file close, so this sends `closeall` and then re-opens the
   * other desired files in their order. Cost: one `closeall` plus N `open`s (each a round trip and
   * a frontend open_file), and the kiosk shows its banner briefly. Resolves once `closeall`
   * succeeded and the re-opens were attempted; a failed re-open is reported as an `error` event
   * and drops that file from {@link desiredFiles}. Without `projectId`, every desired file with
   * that path is closed.
   */
  async close(path: string, options: CallOptions & { projectId?: string } = {}): Promise<void> {
    const projectId = options.projectId?.toLowerCase();
    if (projectId !== undefined && !isValidUuid(projectId)) {
      throw new CocalcError('INVALID_ARGUMENT', 'projectId must be a UUID', { details: { field: 'projectId' } });
    }
    const guard = this.#refuseCall();
    if (guard) throw guard;
    const reopened: Array<Promise<unknown>> = [];
    const call = this.#makeCall('closeall', {
      timeout: callTimeout(options.timeout, this.#options.requestTimeout),
      signal: options.signal,
      afterSuccess: () => {
        for (let i = this.#desired.length - 1; i >= 0; i--) {
          const file = this.#desired[i]!;
          if (file.path === path && (projectId === undefined || file.projectId === projectId)) this.#desired.splice(i, 1);
        }
        reopened.push(...this.#queueReopens('close'));
      },
    });
    this.#submit(call);
    await call.deferred.promise;
    await Promise.allSettled(reopened);
  }

  /** Closes every file and project tab (`closeall`) and forgets all desired files. */
  async closeAll(options: CallOptions = {}): Promise<void> {
    const guard = this.#refuseCall();
    if (guard) throw guard;
    const call = this.#makeCall('closeall', {
      timeout: callTimeout(options.timeout, this.#options.requestTimeout),
      signal: options.signal,
      afterSuccess: () => {
        this.#desired.length = 0;
      },
    });
    this.#submit(call);
    await call.deferred.promise;
  }

  /** Asks the kiosk for its connection state and open files. */
  async status(options: CallOptions = {}): Promise<KioskStatus> {
    const guard = this.#refuseCall();
    if (guard) throw guard;
    const call = this.#makeCall('status', { timeout: callTimeout(options.timeout, this.#options.requestTimeout), signal: options.signal });
    this.#submit(call);
    return toKioskStatus((await call.deferred.promise) as StatusReply);
  }

  /** Re-probes after a READY_TIMEOUT (state 'failed' → 'connecting'); no-op in any other state. */
  reconnect(): void {
    if (this.#currentState !== 'failed') return;
    this.#readyDeferred = new Deferred<void>(true);
    this.#startConnecting();
  }

  /** Idempotent. Removes every listener and timer and rejects everything pending with DESTROYED. Works before ready. */
  destroy(): void {
    if (this.#currentState === 'destroyed') return;
    this.#listeners.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#readyTimer = this.#probeTimer = this.#settleTimer = undefined;
    this.#zombie = undefined;
    this.#readyDeferred.reject(destroyedError());
    const pending = this.#takePending();
    this.#setState('destroyed');
    for (const call of pending) this.#settle(call, destroyedError());
  }

  /** Bounded debug log (only with `debug: true`, otherwise empty), oldest first; tokens redacted. */
  debugLog(): readonly KioskDebugEntry[] {
    return this.#log ? this.#log.entries() : Object.freeze([]);
  }

  // ---------------------------------------------------------------- connection lifecycle

  #startConnecting(): void {
    this.#setState('connecting');
    this.#clearTimer(this.#readyTimer);
    this.#readyTimer = this.#later(() => this.#onReadyTimeout(), this.#options.readyTimeout);
    this.#restartProbes();
  }

  #restartProbes(): void {
    this.#clearTimer(this.#probeTimer);
    this.#probes.reset();
    this.#probesSent = 0;
    this.#probesAnswered = 0;
    // Probe at once: if the iframe had already loaded before connect(), its load event is gone
    // and nothing else would tell us to start. While the frame still shows its initial
    // about:blank nothing is posted (the browser would drop it and warn about the target origin).
    this.#probe();
  }

  #probe(): void {
    this.#probeTimer = undefined;
    if (this.#currentState !== 'connecting') return;
    if (!this.#showsKiosk()) {
      // Not the kiosk yet: look again soon, and start the fast burst once it is there, so a
      // listener that CoCalc installs before its `load` is found within a few ms.
      this.#probes.reset();
    } else if (this.#post({ action: 'status' })) this.#probesSent++;
    this.#probeTimer = this.#later(() => this.#probe(), this.#probes.next());
  }

  #onLoad(): void {
    if (this.#currentState === 'destroyed') return;
    const kioskDocument = this.#showsKiosk();
    if (this.#currentState === 'ready' && this.#readyBeforeLoad && kioskDocument) {
      // The document that already answered has finished loading: same document, same
      // connection, nothing to reject or re-open.
      this.#readyBeforeLoad = false;
      this.#kioskLoaded = true;
      this.#debug('info', `iframe load of the document that already answered (generation ${this.#generation})`);
      return;
    }
    this.#readyBeforeLoad = false;
    this.#kioskLoaded = kioskDocument;
    this.#generation++;
    const wasReady = this.#currentState === 'ready';
    this.#debug('info', `iframe load, generation ${this.#generation}${wasReady ? ' (reload)' : ''}`);
    // Anything expected from the previous document is stale now.
    this.#clearTimer(this.#settleTimer);
    this.#settleTimer = undefined;
    if (this.#zombie) this.#clearTimer(this.#zombie.timer);
    this.#zombie = undefined;
    if (wasReady) this.#reopenPending = true;
    if (wasReady) {
      const reloaded = () => new CocalcError('RELOADED', 'The kiosk reloaded while the call was pending');
      for (const call of this.#takePending()) this.#settle(call, reloaded());
      this.#readyDeferred = new Deferred<void>(true);
      this.dispatchEvent(new KioskReloadEvent(this.#generation));
      if (this.#currentState !== 'ready') return; // a listener destroyed us
      this.#startConnecting();
      return;
    }
    if (this.#currentState === 'failed') {
      // A new document is a new chance: probe again with a fresh ready timeout.
      this.#readyDeferred = new Deferred<void>(true);
      this.#startConnecting();
      return;
    }
    // Still connecting (e.g. sign-in reload before the first ready): keep the overall ready
    // timeout, restart the fast probes for the new document. Queued calls keep waiting.
    this.#restartProbes();
  }

  #becomeReady(): void {
    this.#clearTimer(this.#probeTimer);
    this.#probeTimer = undefined;
    this.#clearTimer(this.#readyTimer);
    this.#readyTimer = undefined;
    this.#probesAnswered++;
    this.#readyBeforeLoad = !this.#kioskLoaded;
    const reconnected = this.#reopenPending;
    // Start holding user calls for the late answers to earlier probes BEFORE anyone hears 'ready':
    // a listener that calls open() synchronously would otherwise be sent into the stream of probe
    // answers, and every reply after it would be taken for the wrong call.
    if (this.#probesAnswered < this.#probesSent) this.#settleTimer = this.#later(() => this.#endSettle(), PROBE_SETTLE_MS);
    this.#setState('ready');
    this.#debug('state', `ready (generation ${this.#generation}, ${this.#probesSent} probes${this.#readyBeforeLoad ? ', before load' : ''})`);
    this.#readyDeferred.resolve();
    this.dispatchEvent(new KioskReadyEvent(this.#generation, reconnected));
    if (this.#currentState !== 'ready') return;
    if (this.#reopenPending) {
      this.#reopenPending = false;
      this.#queueReopens('reload');
    }
    this.#pump(); // does nothing while settling; endSettle pumps
  }

  #endSettle(): void {
    this.#clearTimer(this.#settleTimer);
    this.#settleTimer = undefined;
    this.#pump();
  }

  #onReadyTimeout(): void {
    this.#readyTimer = undefined;
    if (this.#currentState !== 'connecting') return;
    this.#clearTimer(this.#probeTimer);
    this.#probeTimer = undefined;
    const error = new CocalcError(
      'READY_TIMEOUT',
      `The kiosk at ${this.origin} did not answer a status probe within ${this.#options.readyTimeout} ms`,
      { details: { probes: this.#probesSent } },
    );
    this.#setState('failed');
    this.#readyDeferred.reject(error);
    for (const call of this.#queue.drain()) this.#settle(call, error);
    this.dispatchEvent(new KioskErrorEvent(error));
  }

  #setState(state: KioskControllerState): void {
    const previous = this.#currentState;
    if (previous === state) return;
    this.#currentState = state;
    this.#debug('state', `${previous} -> ${state}`);
    this.dispatchEvent(new KioskStateChangeEvent(state, previous));
  }

  // ---------------------------------------------------------------- calls

  /** The call in flight and every queued call, oldest first; the channel is empty afterwards. */
  #takePending(): Call[] {
    const pending = this.#inFlight ? [this.#inFlight, ...this.#queue.drain()] : this.#queue.drain();
    this.#inFlight = undefined;
    return pending;
  }

  /** Why a new call cannot be accepted now, or undefined. Calls made while connecting wait. */
  #refuseCall(): CocalcError | undefined {
    if (this.#currentState === 'destroyed') return destroyedError();
    if (this.#currentState === 'failed') {
      return new CocalcError('NOT_READY', 'The kiosk never became ready; call reconnect() or reload the iframe');
    }
    return undefined;
  }

  #makeCall(
    kind: CallKind,
    init: {
      projectId?: string;
      path?: string;
      timeout: number;
      ackTimeout?: number;
      signal?: AbortSignal;
      onAck?: OpenOptions['onAck'];
      internal?: boolean;
      afterSuccess?: () => void;
    },
  ): Call {
    return {
      kind,
      projectId: init.projectId ?? '',
      path: init.path ?? '',
      timeout: init.timeout,
      ackTimeout: init.ackTimeout ?? init.timeout,
      deferred: new Deferred<unknown>(init.internal === true),
      signal: init.signal,
      onAck: init.onAck,
      afterSuccess: init.afterSuccess,
      acked: false,
      timers: [],
      removeAbortListener: undefined,
    };
  }

  #submit(call: Call): void {
    const signal = call.signal;
    if (signal?.aborted) {
      this.#settle(call, abortedError(signal));
      return;
    }
    if (!this.#queue.push(call)) {
      this.#settle(call, new CocalcError('QUEUE_FULL', `At most ${this.#options.maxQueue} calls may wait for the kiosk`));
      return;
    }
    if (signal) {
      const onAbort = () => this.#onAbort(call);
      signal.addEventListener('abort', onAbort, { once: true });
      call.removeAbortListener = () => signal.removeEventListener('abort', onAbort);
    }
    this.#debug('call', `queued ${call.kind}${call.path ? ` ${call.path}` : ''}`);
    this.#pump();
  }

  #onAbort(call: Call): void {
    const error = abortedError(call.signal!);
    if (this.#queue.remove(call)) {
      this.#settle(call, error);
      return;
    }
    if (this.#inFlight === call) this.#failInFlight(call, error);
  }

  /** Sends the next queued call when the channel is free. */
  #pump(): void {
    if (this.#currentState !== 'ready' || this.#inFlight || this.#zombie || this.#settleTimer !== undefined) return;
    // The kiosk navigated to something else (its `load`, coming, starts a new connection): wait.
    if (this.iframe.contentWindow && !this.#showsKiosk()) return;
    const call = this.#queue.shift();
    if (!call) return;
    const request: KioskRequest =
      call.kind === 'open' ? { action: 'open', project_id: call.projectId, path: call.path } : { action: call.kind };
    this.#inFlight = call;
    if (!this.#post(request)) {
      this.#inFlight = undefined;
      this.#settle(call, new CocalcError('NOT_READY', 'The kiosk iframe has no window (removed from the document?)'));
      this.#pump();
      return;
    }
    const code: CocalcErrorCode = call.kind === 'open' ? 'OPEN_TIMEOUT' : 'REQUEST_TIMEOUT';
    call.timers.push(
      this.#later(() => this.#failInFlight(call, new CocalcError(code, `No reply to ${call.kind} within ${call.timeout} ms`)), call.timeout),
    );
    if (call.kind === 'open' && call.ackTimeout < call.timeout) {
      call.timers.push(
        this.#later(() => {
          if (!call.acked) this.#failInFlight(call, new CocalcError('REQUEST_TIMEOUT', `No ack to open within ${call.ackTimeout} ms`));
        }, call.ackTimeout),
      );
    }
  }

  /** Rejects the call in flight and frees the channel, swallowing its late replies when they would be ambiguous. */
  #failInFlight(call: Call, error: CocalcError): void {
    if (this.#inFlight !== call) return;
    this.#inFlight = undefined;
    this.#settle(call, error);
    // Replies of an acked open name their path, so they cannot be mistaken for another call's;
    // everything else (status/closeall done, validation errors) could, so wait for it a while.
    if (!(call.kind === 'open' && call.acked)) {
      const expectation = this.#expectationOf(call);
      const timer = this.#later(() => {
        if (this.#zombie?.timer === timer) {
          this.#zombie = undefined;
          this.#pump();
        }
      }, DRAIN_MS);
      this.#zombie = { expectation, timer };
    }
    this.#pump();
  }

  #settle(call: Call, error: CocalcError | undefined, value?: unknown): void {
    for (const timer of call.timers) this.#clearTimer(timer);
    call.timers = [];
    call.removeAbortListener?.();
    call.removeAbortListener = undefined;
    if (error) {
      this.#debug('call', `${call.kind}${call.path ? ` ${call.path}` : ''} failed: ${error.code}`);
      call.deferred.reject(error);
    } else call.deferred.resolve(value);
  }

  #expectationOf(call: Call): ReplyExpectation {
    return call.kind === 'open' ? { kind: 'open', projectId: call.projectId, path: call.path, acked: call.acked } : { kind: call.kind };
  }

  // ---------------------------------------------------------------- desired files

  #addDesired(projectId: string, path: string): void {
    this.#removeDesired(projectId, path);
    this.#desired.push({ projectId, path });
  }

  #removeDesired(projectId: string, path: string): void {
    const index = this.#desired.findIndex((file) => file.projectId === projectId && file.path === path);
    if (index !== -1) this.#desired.splice(index, 1);
  }

  /** Queues internal opens of every desired file at the front; failures become `error` events. */
  #queueReopens(reason: 'reload' | 'close'): Array<Promise<unknown>> {
    const calls = this.#desired.map((file) =>
      this.#makeCall('open', {
        projectId: file.projectId,
        path: file.path,
        timeout: this.#options.openTimeout,
        ackTimeout: this.#options.openAckTimeout,
        internal: true,
      }),
    );
    for (const call of calls) {
      call.deferred.promise.catch((error: CocalcError) => {
        if (error.code === 'RELOADED' || error.code === 'DESTROYED') return;
        this.#removeDesired(call.projectId, call.path);
        const wrapped = new CocalcError(error.code, `Re-opening ${call.path} after a ${reason} failed: ${error.message}`, {
          cause: error,
          details: { ...error.details, projectId: call.projectId, path: call.path, reason },
        });
        this.dispatchEvent(new KioskErrorEvent(wrapped));
      });
    }
    this.#queue.pushFront(calls);
    return calls.map((call) => call.deferred.promise);
  }

  // ---------------------------------------------------------------- messages

  /**
   * Whether the frame shows a document we may post to: one we cannot read (cross-origin, so not
   * our initial about:blank; if it is not the kiosk, the exact targetOrigin makes the browser drop
   * the message), or a readable one whose URL is at exactly the kiosk origin (a same-origin kiosk).
   * Never the initial about:blank, where a post only earns a console warning or error.
   */
  #showsKiosk(): boolean {
    if (!this.iframe.contentWindow) return false;
    let doc: Document | null;
    try {
      doc = this.iframe.contentDocument;
    } catch {
      doc = null;
    }
    if (!doc) return true;
    try {
      return new URL(doc.URL).origin === this.origin;
    } catch {
      return false;
    }
  }

  /** For a readable kiosk document, whether it has loaded; an unreadable one is assumed loaded. */
  #kioskDocumentComplete(): boolean {
    try {
      const doc = this.iframe.contentDocument;
      return doc ? doc.readyState === 'complete' : true;
    } catch {
      return true;
    }
  }

  #post(request: KioskRequest): boolean {
    const target = this.iframe.contentWindow;
    if (!target) return false;
    // Always the exact kiosk origin: if the frame navigated elsewhere, the browser drops it (T4).
    target.postMessage(request, this.origin);
    this.#debug('out', describeData(request));
    return true;
  }

  #onMessage(event: MessageEvent): void {
    // O(1) checks first, so a flood from other windows costs almost nothing (A11).
    if (event.origin !== this.origin) {
      this.#counters.rejectedOrigin++;
      return;
    }
    const source = this.iframe.contentWindow;
    if (source === null || event.source !== source) {
      this.#counters.rejectedSource++;
      return;
    }
    const data: unknown = event.data;
    if (!this.#limiter.tryTake()) {
      // Even when flooded, a valid reply to what we wait for must get through: a cheap pre-check
      // keeps junk O(1), then a full parse decides.
      const reply = looksLikeReply(data) ? parseKioskReply(data) : undefined;
      if (reply && this.#isAwaited(reply)) {
        this.#counters.accepted++;
        this.#handleReply(reply);
      } else {
        this.#counters.rejectedRate++;
        this.#debug('drop', 'rate limited');
      }
      return;
    }
    if (isPlainObject(data) && Object.hasOwn(data, 'source') && data.source === PROJECT_LOG_SOURCE) {
      const entry = parseProjectLogMessage(data);
      if (!entry) {
        this.#counters.rejectedShape++;
        this.#debug('drop', 'malformed project-log message');
        return;
      }
      this.#counters.accepted++;
      this.#debug('in', `project-log ${entry.event.event ?? ''} ${entry.event.filename ?? ''}`);
      this.dispatchEvent(new KioskProjectLogEvent(entry, entry.event.time));
      return;
    }
    const reply = parseKioskReply(data);
    if (!reply) {
      this.#counters.rejectedShape++;
      this.#debug('drop', `bad shape (${data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data})`);
      return;
    }
    this.#counters.accepted++;
    this.#debug('in', describeData(reply));
    this.#handleReply(reply);
  }

  /** Whether `reply` is something the controller is waiting for right now (used to bypass the rate limit). */
  #isAwaited(reply: KioskReply): boolean {
    if (this.#currentState === 'connecting') return isStatusReply(reply);
    if (this.#currentState !== 'ready') return false;
    if (this.#settleTimer !== undefined && isStatusReply(reply)) return true;
    if (this.#zombie && matchReply(this.#zombie.expectation, reply) !== 'none') return true;
    return this.#inFlight !== undefined && matchReply(this.#expectationOf(this.#inFlight), reply) !== 'none';
  }

  #handleReply(reply: KioskReply): void {
    if (this.#currentState === 'connecting') {
      if (isStatusReply(reply)) this.#becomeReady();
      else this.#counters.unmatched++;
      return;
    }
    if (this.#currentState !== 'ready') {
      this.#counters.unmatched++;
      return;
    }
    if (this.#settleTimer !== undefined) {
      // Late answers to the other readiness probes of this connection.
      if (isStatusReply(reply)) {
        this.#probesAnswered++;
        if (this.#probesAnswered >= this.#probesSent) this.#endSettle();
        else {
          this.#clearTimer(this.#settleTimer);
          this.#settleTimer = this.#later(() => this.#endSettle(), PROBE_SETTLE_MS);
        }
      } else this.#counters.unmatched++;
      return;
    }
    if (this.#zombie) {
      const match = matchReply(this.#zombie.expectation, reply);
      if (match !== 'none') {
        this.#debug('drop', `late reply of an abandoned request swallowed`);
        this.#clearTimer(this.#zombie.timer);
        this.#zombie = undefined;
        this.#counters.unmatched++;
        this.#pump();
        return;
      }
    }
    const call = this.#inFlight;
    const match: ReplyMatch = call ? matchReply(this.#expectationOf(call), reply) : 'none';
    if (!call || match === 'none') {
      this.#counters.unmatched++;
      return;
    }
    switch (match) {
      case 'ack':
        call.acked = true;
        this.dispatchEvent(new KioskFileOpenEvent(call.projectId, call.path));
        try {
          call.onAck?.({ projectId: call.projectId, path: call.path });
        } catch (error) {
          // A throwing progress callback must not break the channel; report it like the DOM does.
          reportError(error);
        }
        return;
      case 'resolve':
        this.#inFlight = undefined;
        this.#settle(call, undefined, reply);
        if (call.kind === 'open') this.dispatchEvent(new KioskFileOpenedEvent(call.projectId, call.path));
        call.afterSuccess?.();
        this.#pump();
        return;
      case 'reject': {
        this.#inFlight = undefined;
        const mesg = 'mesg' in reply ? String(reply.mesg) : '';
        this.#settle(call, new CocalcError('REMOTE_ERROR', `CoCalc refused ${call.kind}: ${mesg}`, { details: { mesg } }));
        this.#pump();
        return;
      }
    }
  }

  // ---------------------------------------------------------------- timers and logging

  #later(fn: () => void, ms: number): number {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms) as unknown as number;
    this.#timers.add(timer);
    return timer;
  }

  #clearTimer(timer: number | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  #debug(kind: KioskDebugEntry['kind'], text: string): void {
    this.#log?.add(kind, text);
  }
}

// Typed event-listener overloads, declared (not overridden) so they cost no code in the bundle:
// the inherited EventTarget methods run unchanged.
export interface KioskController {
  /** Typed `addEventListener` for the controller's events. */
  addEventListener<K extends keyof KioskControllerEventMap>(
    type: K,
    listener: ((event: KioskControllerEventMap[K]) => void) | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;

  /** Typed `removeEventListener` for the controller's events. */
  removeEventListener<K extends keyof KioskControllerEventMap>(
    type: K,
    listener: ((event: KioskControllerEventMap[K]) => void) | null,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** O(1) test that `data` could be a kiosk reply at all: a plain object with a known `status`. */
function looksLikeReply(data: unknown): boolean {
  if (!isPlainObject(data) || !Object.hasOwn(data, 'status')) return false;
  const status = data.status;
  return status === 'done' || status === 'ack' || status === 'error';
}

function destroyedError(): CocalcError {
  return new CocalcError('DESTROYED', 'The kiosk controller was destroyed');
}

function abortedError(signal: AbortSignal): CocalcError {
  return new CocalcError('ABORTED', 'The call was aborted', { cause: signal.reason });
}
