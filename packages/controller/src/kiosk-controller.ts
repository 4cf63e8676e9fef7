import { assertProjectPath, CocalcError, isValidUuid } from '@cocalc-embed/protocol';
import { DebugLog, type KioskDebugEntry } from './debug-log.js';
import { DesiredFiles } from './desired-files.js';
import { createCall, type Call } from './kiosk-actions.js';
import { KioskChannel } from './kiosk-channel.js';
import { KioskConnection } from './kiosk-connection.js';
import type { KioskControllerEventMap } from './kiosk-controller-event-map.js';
import { callTimeout, resolveOptions, type KioskControllerOptions, type ResolvedKioskControllerOptions } from './kiosk-controller-options.js';
import type { KioskControllerState } from './kiosk-controller-state.js';
import type { KioskStats } from './kiosk-stats.js';
import type { KioskStatus } from './kiosk-status.js';
import { Timers } from './timers.js';
import type { CallOptions, DesiredFile, OpenOptions } from './call-options.js';

export type { CallOptions, DesiredFile, OpenOptions } from './call-options.js';

/**
 * Drives one CoCalc kiosk iframe over CoCalc's real postMessage protocol (docs/cocalc-protocol.md):
 * three actions, no handshake, no request ids, silent failures.
 *
 * - Readiness: `status` probes from the start and again after every iframe `load` (a burst,
 *   then back-off); the first valid status reply makes the connection ready. Nothing is posted
 *   while the frame still shows a document that is not the kiosk's (its initial about:blank).
 *   CoCalc answers as soon as its script runs, often before its document's `load`: that `load`
 *   is the same document finishing, not a reload. A `load` of a kiosk document after ready is a
 *   reload: a new connection, pending calls reject with RELOADED, and the desired files are
 *   re-opened once ready again.
 * - Exactly one request in flight, a bounded FIFO behind it; replies are matched by order and
 *   shape (the actions table, kiosk-actions.ts); every call has a timeout and an `AbortSignal`.
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
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the interface below only types EventTarget's inherited listener methods
export class KioskController extends EventTarget {
  /**
   * Starts talking to the kiosk in `iframe`. Best called before the frame is navigated to the
   * kiosk (while it still shows its initial about:blank), or once the kiosk has loaded. Throws
   * INVALID_ARGUMENT synchronously on bad options. How it tells a kiosk reload from the late
   * `load` of the document that already answered: the README's "Which document answered".
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
  readonly #log: DebugLog | undefined;
  readonly #connection: KioskConnection;
  readonly #channel: KioskChannel;
  readonly #desired: DesiredFiles;

  private constructor(iframe: HTMLIFrameElement, options: ResolvedKioskControllerOptions) {
    super();
    this.iframe = iframe;
    this.origin = options.origin;
    this.#options = options;
    this.#log = options.debug ? new DebugLog(200) : undefined;
    const dispatchEvent = (event: Event): boolean => this.dispatchEvent(event);
    const timers = new Timers(); // shared, so that destroy() clears every one at once
    this.#desired = new DesiredFiles({
      dispatchEvent,
      openCall: (file) => createCall('open', {}, options, { ...file, ackTimeout: options.openAckTimeout }, true),
      pushFront: (calls) => this.#channel.pushFront(calls),
    });
    // What the connection and the actions may do to the controller, without making it public.
    const hooks = {
      dispatchEvent,
      closed: (call: Call) => this.#desired.closed(call),
      reopen: () => void this.#desired.reopen('reload'),
    };
    this.#connection = new KioskConnection(iframe, options, hooks, timers, this.#log);
    this.#channel = new KioskChannel(options.maxQueue, this.#connection, timers, hooks);
    this.#connection.start(this.#channel);
  }

  /** Current lifecycle state. */
  get state(): KioskControllerState {
    return this.#connection.state;
  }

  /**
   * Resolves when the current connection answered its first status probe; a fresh promise after
   * each reload. Rejects with READY_TIMEOUT (state 'failed') or DESTROYED.
   */
  get ready(): Promise<void> {
    return this.#connection.ready;
  }

  /** Files that should be open (maintained by open/close/closeAll), oldest first; re-opened after a kiosk reload. */
  get desiredFiles(): ReadonlyArray<DesiredFile> {
    return this.#desired.snapshot();
  }

  /** Counters for diagnostics: messages accepted and rejected by origin/source/shape/rate. A snapshot. */
  get stats(): KioskStats {
    return Object.freeze({ ...this.#connection.counters });
  }

  /**
   * Opens `path` in project `projectId` and brings it to the front. Resolves on CoCalc's `done`;
   * `onAck` and a `file-open` event report its `ack`. Rejects REMOTE_ERROR with CoCalc's `mesg`,
   * REQUEST_TIMEOUT without ack, OPEN_TIMEOUT without done, and ABORTED/RELOADED/DESTROYED/
   * QUEUE_FULL/READY_TIMEOUT as their names say. The file joins {@link desiredFiles} at once and
   * leaves it again if the open fails for any reason other than a reload.
   */
  async open(path: string, options: OpenOptions): Promise<{ projectId: string; path: string }> {
    assertProjectPath(path);
    if (!options || !isValidUuid(options.projectId)) {
      throw new CocalcError('INVALID_ARGUMENT', `projectId must be a UUID (got ${JSON.stringify(String(options?.projectId))})`, {
        details: { field: 'projectId' },
      });
    }
    const projectId = options.projectId.toLowerCase();
    const timeout = callTimeout(options.timeout, this.#options.openTimeout);
    const ackTimeout = callTimeout(options.ackTimeout, this.#options.openAckTimeout, 'ackTimeout');
    const call = createCall('open', { ...options, timeout }, this.#options, { projectId, path, ackTimeout, onAck: options.onAck });
    this.#refuse();
    const file = { projectId, path };
    this.#desired.add(file);
    try {
      return (await this.#send(call)) as { projectId: string; path: string };
    } catch (error) {
      if (!CocalcError.is(error, 'RELOADED') && !CocalcError.is(error, 'DESTROYED')) this.#desired.remove(file);
      throw error;
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
    const forgets = (file: DesiredFile): boolean => file.path === path && (projectId === undefined || file.projectId === projectId);
    await this.#send(createCall('closeall', options, this.#options, { forgets }));
  }

  /** Closes every file and project tab (`closeall`) and forgets all desired files. */
  async closeAll(options: CallOptions = {}): Promise<void> {
    await this.#send(createCall('closeall', options, this.#options, { forgets: () => true }));
  }

  /** Asks the kiosk for its connection state and open files. */
  async status(options: CallOptions = {}): Promise<KioskStatus> {
    return (await this.#send(createCall('status', options, this.#options, {}))) as KioskStatus;
  }

  /** Re-probes after a READY_TIMEOUT (state 'failed' → 'connecting'); no-op in any other state. */
  reconnect(): void {
    this.#connection.reconnect();
  }

  /** Idempotent. Removes every listener and timer and rejects everything pending with DESTROYED. Works before ready. */
  destroy(): void {
    if (this.state !== 'destroyed') this.#connection.destroy(destroyedError());
  }

  /** Bounded debug log (only with `debug: true`, otherwise empty), oldest first; tokens redacted. */
  debugLog(): readonly KioskDebugEntry[] {
    return this.#log ? this.#log.entries() : Object.freeze([]);
  }

  /** Throws when the controller cannot take calls now; calls made while connecting wait. */
  #refuse(): void {
    if (this.state === 'destroyed') throw destroyedError();
    if (this.state === 'failed') throw new CocalcError('NOT_READY', 'The kiosk never became ready; call reconnect() or reload the iframe');
  }

  /** Submits `call` unless the controller cannot take calls. */
  #send(call: Call): Promise<unknown> {
    this.#refuse();
    this.#channel.submit(call);
    return call.deferred.promise;
  }
}

// Typed event-listener overloads, declared (not overridden) so they cost no code in the bundle:
// the inherited EventTarget methods run unchanged.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- as on the class: these members exist, inherited from EventTarget
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

function destroyedError(): CocalcError {
  return new CocalcError('DESTROYED', 'The kiosk controller was destroyed');
}
