import { CocalcError, type KioskReply, type KioskRequest } from '@cocalc-embed/protocol';
import { Deferred } from './deferred.js';
import { describeData, type DebugLog, type KioskDebugEntry } from './debug-log.js';
import { KioskErrorEvent } from './events/kiosk-error-event.js';
import { KioskProjectLogEvent } from './events/kiosk-project-log-event.js';
import { KioskReadyEvent } from './events/kiosk-ready-event.js';
import { KioskReloadEvent } from './events/kiosk-reload-event.js';
import { KioskStateChangeEvent } from './events/kiosk-state-change-event.js';
import { isStatusReply } from './kiosk-actions.js';
import type { KioskChannel } from './kiosk-channel.js';
import type { ResolvedKioskControllerOptions } from './kiosk-controller-options.js';
import type { KioskControllerState } from './kiosk-controller-state.js';
import { createStats, type MutableKioskStats } from './kiosk-stats.js';
import { ProbeSchedule } from './probe-schedule.js';
import { MessageGate } from './message-gate.js';
import type { Timers } from './timers.js';
import { isKioskDocument, kioskDocumentComplete } from './kiosk-document.js';

/**
 * After ready, when several probes were outstanding, how long to wait for their (identical)
 * answers before sending user calls, for the same off-by-one reason as the channel's drain.
 * Ends early once every probe of the connection was answered.
 */
const PROBE_SETTLE_MS = 40;

/** What the connection tells the controller. */
export interface ConnectionHost {
  dispatchEvent(event: Event): boolean;
  /** The kiosk reloaded after ready and answers again: re-open the desired files. */
  reopen(): void;
}

/**
 * Readiness of the kiosk in one iframe and everything it posts: `status` probes (a burst, then
 * back-off) from connect and after every `load` until the first valid status reply, telling a
 * reload from the `load` of the document that already answered (below), the
 * ready timeout, and the intake of messages — exact origin and source, a rate limit, validation —
 * which it hands to the {@link KioskChannel}. Nothing is posted to a frame that does not show a
 * kiosk document, and every post names the kiosk origin.
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
export class KioskConnection {
  state: KioskControllerState = 'connecting';
  readyDeferred = new Deferred<void>(true);
  generation = 1;
  readonly counters: MutableKioskStats = createStats();
  readonly #iframe: HTMLIFrameElement;
  readonly #options: ResolvedKioskControllerOptions;
  readonly #host: ConnectionHost;
  readonly #timers: Timers;
  readonly #log: DebugLog | undefined;
  readonly #probes: ProbeSchedule;
  #channel!: KioskChannel;
  #readyTimer: number | undefined;
  #probeTimer: number | undefined;
  #probesSent = 0;
  #probesAnswered = 0;
  #settleTimer: number | undefined;
  /** Set by a reload after ready: the desired files must be re-opened on the next ready. */
  #reopenPending = false;
  /** Whether the kiosk document now in the frame has fired its `load`. */
  #kioskLoaded: boolean;
  /** The ready connection was made before its document's `load`: that load is not a reload. */
  #readyBeforeLoad = false;

  constructor(iframe: HTMLIFrameElement, options: ResolvedKioskControllerOptions, host: ConnectionHost, timers: Timers, log: DebugLog | undefined) {
    this.#iframe = iframe;
    this.#options = options;
    this.#host = host;
    this.#timers = timers;
    this.#log = log;
    this.#probes = new ProbeSchedule(options.probe);
    this.#kioskLoaded = this.showsKiosk() && kioskDocumentComplete(iframe);
  }

  /** Starts listening and probing through `signal`'s lifetime; replies go to `channel`. */
  start(channel: KioskChannel, signal: AbortSignal): void {
    this.#channel = channel;
    const iframe = this.#iframe;
    const gate = new MessageGate(iframe, this.#options.origin, this.#options, this.counters, {
      awaits: (reply) => this.#awaits(reply),
      reply: (reply) => this.#onReply(reply),
      projectLog: (entry) => this.#host.dispatchEvent(new KioskProjectLogEvent(entry, entry.event.time)),
      debug: (kind, text) => this.debug(kind, text),
    });
    (iframe.ownerDocument.defaultView ?? window).addEventListener('message', (event) => gate.receive(event), { signal });
    iframe.addEventListener('load', () => this.#onLoad(), { signal });
    this.debug('info', `connect origin=${this.#options.origin} src=${iframe.src}`);
    this.connect();
  }

  /** Whether the channel may send: ready, probe answers settled, and the frame shows the kiosk. */
  canSend(): boolean {
    // A kiosk that navigated to something else (its `load`, coming, starts a new connection): wait.
    return this.state === 'ready' && this.#settleTimer === undefined && (!this.#iframe.contentWindow || this.showsKiosk());
  }

  /** Whether the frame shows a document we may post to (see isKioskDocument). */
  showsKiosk(): boolean {
    return isKioskDocument(this.#iframe, this.#options.origin);
  }

  post(request: KioskRequest): boolean {
    const target = this.#iframe.contentWindow;
    if (!target) return false;
    // Always the exact kiosk origin: if the frame navigated elsewhere, the browser drops it.
    target.postMessage(request, this.#options.origin);
    this.debug('out', describeData(request));
    return true;
  }

  /** (Re)starts readiness with a fresh ready timeout. */
  connect(): void {
    this.#setState('connecting');
    this.#timers.clear(this.#readyTimer);
    this.#readyTimer = this.#timers.later(() => this.#onReadyTimeout(), this.#options.readyTimeout);
    this.#restartProbes();
  }

  /** Stops everything (the controller cleared the timers and listeners); state `destroyed`. */
  close(error: CocalcError): void {
    this.#readyTimer = this.#probeTimer = this.#settleTimer = undefined;
    this.readyDeferred.reject(error);
    this.#setState('destroyed');
  }

  debug(kind: KioskDebugEntry['kind'], text: string): void {
    this.#log?.add(kind, text);
  }

  #restartProbes(): void {
    this.#timers.clear(this.#probeTimer);
    this.#probes.reset();
    this.#probesSent = this.#probesAnswered = 0;
    // Probe at once: if the iframe had already loaded before connect(), its load event is gone.
    this.#probe();
  }

  #probe(): void {
    this.#probeTimer = undefined;
    if (this.state !== 'connecting') return;
    // Not the kiosk yet (its initial about:blank): look again soon, and start the fast burst once
    // it is there, so a listener that CoCalc installs before its `load` is found within a few ms.
    if (!this.showsKiosk()) this.#probes.reset();
    else if (this.post({ action: 'status' })) this.#probesSent++;
    this.#probeTimer = this.#timers.later(() => this.#probe(), this.#probes.next());
  }

  #onLoad(): void {
    if (this.state === 'destroyed') return;
    const kioskDocument = this.showsKiosk();
    if (this.state === 'ready' && this.#readyBeforeLoad && kioskDocument) {
      // The document that already answered has finished loading: same connection, nothing to do.
      this.#readyBeforeLoad = false;
      this.#kioskLoaded = true;
      this.debug('info', `iframe load of the document that already answered (generation ${this.generation})`);
      return;
    }
    this.#readyBeforeLoad = false;
    this.#kioskLoaded = kioskDocument;
    this.generation++;
    const wasReady = this.state === 'ready';
    this.debug('info', `iframe load, generation ${this.generation}${wasReady ? ' (reload)' : ''}`);
    // Anything expected from the previous document is stale now.
    this.#timers.clear(this.#settleTimer);
    this.#settleTimer = undefined;
    this.#channel.forgetZombie();
    if (wasReady) {
      this.#reopenPending = true;
      this.#channel.settleAll(this.#channel.takePending(), new CocalcError('RELOADED', 'The kiosk reloaded while the call was pending'));
      this.readyDeferred = new Deferred<void>(true);
      this.#host.dispatchEvent(new KioskReloadEvent(this.generation));
      if (this.state === 'ready') this.connect(); // unless a listener destroyed us
    } else if (this.state === 'failed') {
      // A new document is a new chance: probe again with a fresh ready timeout.
      this.readyDeferred = new Deferred<void>(true);
      this.connect();
    } else {
      // Still connecting (e.g. a sign-in reload before the first ready): keep the overall ready
      // timeout, restart the fast probes for the new document. Queued calls keep waiting.
      this.#restartProbes();
    }
  }

  #becomeReady(): void {
    this.#timers.clear(this.#probeTimer);
    this.#timers.clear(this.#readyTimer);
    this.#probeTimer = this.#readyTimer = undefined;
    this.#probesAnswered++;
    this.#readyBeforeLoad = !this.#kioskLoaded;
    const reconnected = this.#reopenPending;
    // Hold user calls for the late answers to earlier probes BEFORE anyone hears 'ready': a
    // listener that calls open() at once would otherwise be sent into the stream of probe answers.
    if (this.#probesAnswered < this.#probesSent) this.#settleTimer = this.#timers.later(() => this.#endSettle(), PROBE_SETTLE_MS);
    this.#setState('ready');
    this.debug('state', `ready (generation ${this.generation}, ${this.#probesSent} probes${this.#readyBeforeLoad ? ', before load' : ''})`);
    this.readyDeferred.resolve();
    this.#host.dispatchEvent(new KioskReadyEvent(this.generation, reconnected));
    if (this.state !== 'ready') return;
    if (this.#reopenPending) {
      this.#reopenPending = false;
      this.#host.reopen();
    }
    this.#channel.pump(); // does nothing while settling; endSettle pumps
  }

  #endSettle(): void {
    this.#timers.clear(this.#settleTimer);
    this.#settleTimer = undefined;
    this.#channel.pump();
  }

  #onReadyTimeout(): void {
    this.#readyTimer = undefined;
    if (this.state !== 'connecting') return;
    this.#timers.clear(this.#probeTimer);
    this.#probeTimer = undefined;
    const error = new CocalcError(
      'READY_TIMEOUT',
      `The kiosk at ${this.#options.origin} did not answer a status probe within ${this.#options.readyTimeout} ms`,
      { details: { probes: this.#probesSent } },
    );
    this.#setState('failed');
    this.readyDeferred.reject(error);
    this.#channel.settleAll(this.#channel.drainQueue(), error);
    this.#host.dispatchEvent(new KioskErrorEvent(error));
  }

  #setState(state: KioskControllerState): void {
    const previous = this.state;
    if (previous === state) return;
    this.state = state;
    this.debug('state', `${previous} -> ${state}`);
    this.#host.dispatchEvent(new KioskStateChangeEvent(state, previous));
  }

  /** Whether `reply` is awaited now: the ready answer, a probe's late answer, or the channel's. */
  #awaits(reply: KioskReply): boolean {
    if (this.state === 'connecting') return isStatusReply(reply);
    return this.state === 'ready' && ((this.#settleTimer !== undefined && isStatusReply(reply)) || this.#channel.awaits(reply));
  }

  #onReply(reply: KioskReply): void {
    if (this.state === 'connecting' && isStatusReply(reply)) return this.#becomeReady();
    if (this.state === 'ready' && this.#settleTimer !== undefined) {
      // Late answers to the other readiness probes of this connection.
      if (isStatusReply(reply)) {
        this.#probesAnswered++;
        if (this.#probesAnswered >= this.#probesSent) this.#endSettle();
        else {
          this.#timers.clear(this.#settleTimer);
          this.#settleTimer = this.#timers.later(() => this.#endSettle(), PROBE_SETTLE_MS);
        }
        return;
      }
    } else if (this.state === 'ready' && this.#channel.handle(reply)) return;
    this.counters.unmatched++;
  }
}
