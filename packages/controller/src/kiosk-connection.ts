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
import { MessageGate } from './message-gate.js';
import { StatusProbes } from './status-probes.js';
import type { Timers } from './timers.js';
import { DocumentGenerations } from './document-generations.js';
import { isKioskDocument, kioskDocumentComplete } from './kiosk-document.js';

/** What the connection tells the controller. */
export interface ConnectionHost {
  dispatchEvent(event: Event): boolean;
  /** The kiosk reloaded after ready and answers again: re-open the desired files. */
  reopen(): void;
}

/**
 * Readiness of the kiosk in one iframe and everything it posts: `status` probes (a burst, then
 * back-off) from connect and after every `load` that starts a new document
 * ({@link DocumentGenerations}) until the first valid status reply, the ready timeout, and the
 * intake of messages — exact origin and source, a rate limit, validation — which it hands to the
 * {@link KioskChannel}. Nothing is posted to a frame that does not show a kiosk document, and
 * every post names the kiosk origin. Its life ends with {@link destroy}.
 */
export class KioskConnection {
  state: KioskControllerState = 'connecting';
  readonly counters: MutableKioskStats = createStats();
  #ready = new Deferred<void>(true);
  /** Aborted by destroy(): removes every listener the connection added. */
  readonly #listeners = new AbortController();
  readonly #iframe: HTMLIFrameElement;
  readonly #options: ResolvedKioskControllerOptions;
  readonly #host: ConnectionHost;
  readonly #timers: Timers;
  readonly #log: DebugLog | undefined;
  readonly #probes: StatusProbes;
  #channel!: KioskChannel;
  #readyTimer: number | undefined;
  readonly #documents: DocumentGenerations;
  /** Set by a reload after ready: the desired files must be re-opened on the next ready. */
  #reopenPending = false;

  constructor(iframe: HTMLIFrameElement, options: ResolvedKioskControllerOptions, host: ConnectionHost, timers: Timers, log: DebugLog | undefined) {
    this.#iframe = iframe;
    this.#options = options;
    this.#host = host;
    this.#timers = timers;
    this.#log = log;
    this.#probes = new StatusProbes(options.probe, timers, {
      connecting: () => this.state === 'connecting',
      showsKiosk: () => this.#showsKiosk(),
      post: (request) => this.post(request),
      settled: () => this.#channel.pump(),
    });
    this.#documents = new DocumentGenerations(this.#showsKiosk() && kioskDocumentComplete(iframe));
  }

  /**
   * Resolves when the current connection answered its first status probe; a fresh promise after
   * each reload. Rejects with READY_TIMEOUT (state 'failed') or DESTROYED.
   */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  /** Starts listening and probing until {@link destroy}; replies go to `channel`. */
  start(channel: KioskChannel): void {
    this.#channel = channel;
    const iframe = this.#iframe;
    const signal = this.#listeners.signal;
    const gate = new MessageGate(iframe, this.#options.origin, this.#options, this.counters, {
      awaits: (reply) => this.#awaits(reply),
      reply: (reply) => this.#onReply(reply),
      projectLog: (entry) => this.#host.dispatchEvent(new KioskProjectLogEvent(entry, entry.event.time)),
      debug: (kind, text) => this.debug(kind, text),
    });
    (iframe.ownerDocument.defaultView ?? window).addEventListener('message', (event) => gate.receive(event), { signal });
    iframe.addEventListener('load', () => this.#onLoad(), { signal });
    this.debug('info', `connect origin=${this.#options.origin} src=${iframe.src}`);
    this.#connect();
  }

  /** Whether the channel may send: ready, probe answers settled, and the frame shows the kiosk. */
  canSend(): boolean {
    // A kiosk that navigated to something else (its `load`, coming, starts a new connection): wait.
    return this.state === 'ready' && !this.#probes.settling && (!this.#iframe.contentWindow || this.#showsKiosk());
  }

  post(request: KioskRequest): boolean {
    const target = this.#iframe.contentWindow;
    if (!target) return false;
    // Always the exact kiosk origin: if the frame navigated elsewhere, the browser drops it.
    target.postMessage(request, this.#options.origin);
    this.debug('out', describeData(request));
    return true;
  }

  /** Re-probes after a READY_TIMEOUT (state 'failed' → 'connecting'); no-op in any other state. */
  reconnect(): void {
    if (this.state !== 'failed') return;
    this.#ready = new Deferred<void>(true);
    this.#connect();
  }

  /**
   * Idempotent. Removes every listener and timer, stops waiting for an abandoned request's late
   * reply, and rejects `ready` and every pending call with `error`; state `destroyed`.
   */
  destroy(error: CocalcError): void {
    if (this.state === 'destroyed') return;
    this.#listeners.abort();
    this.#timers.clearAll();
    this.#channel.forgetZombie();
    const pending = this.#channel.takePending();
    this.#readyTimer = undefined;
    this.#probes.stop();
    this.#probes.dropSettle();
    this.#ready.reject(error);
    this.#setState('destroyed');
    this.#channel.settleAll(pending, error);
  }

  debug(kind: KioskDebugEntry['kind'], text: string): void {
    this.#log?.add(kind, text);
  }

  /** Whether the frame shows a document we may post to (see isKioskDocument). */
  #showsKiosk(): boolean {
    return isKioskDocument(this.#iframe, this.#options.origin);
  }

  /** (Re)starts readiness with a fresh ready timeout. */
  #connect(): void {
    this.#setState('connecting');
    this.#timers.clear(this.#readyTimer);
    this.#readyTimer = this.#timers.later(() => this.#onReadyTimeout(), this.#options.readyTimeout);
    this.#probes.restart();
  }

  #onLoad(): void {
    if (this.state === 'destroyed') return;
    const wasReady = this.state === 'ready';
    const documents = this.#documents;
    if (!documents.load(wasReady, this.#showsKiosk())) {
      // The document that already answered has finished loading: same connection, nothing to do.
      return this.debug('info', `iframe load of the document that already answered (generation ${documents.current})`);
    }
    this.debug('info', `iframe load, generation ${documents.current}${wasReady ? ' (reload)' : ''}`);
    // Anything expected from the previous document is stale now.
    this.#probes.dropSettle();
    this.#channel.forgetZombie();
    if (wasReady) {
      this.#reopenPending = true;
      this.#channel.settleAll(this.#channel.takePending(), new CocalcError('RELOADED', 'The kiosk reloaded while the call was pending'));
      this.#ready = new Deferred<void>(true);
      this.#host.dispatchEvent(new KioskReloadEvent(documents.current));
      if (this.state === 'ready') this.#connect(); // unless a listener destroyed us
    } else if (this.state === 'failed') {
      // A new document is a new chance: probe again with a fresh ready timeout.
      this.#ready = new Deferred<void>(true);
      this.#connect();
    } else {
      // Still connecting (e.g. a sign-in reload before the first ready): keep the overall ready
      // timeout, restart the fast probes for the new document. Queued calls keep waiting.
      this.#probes.restart();
    }
  }

  #becomeReady(): void {
    this.#timers.clear(this.#readyTimer);
    this.#readyTimer = undefined;
    const beforeLoad = this.#documents.answered();
    const reconnected = this.#reopenPending;
    // Hold user calls for the late answers to earlier probes BEFORE anyone hears 'ready': a
    // listener that calls open() at once would otherwise be sent into the stream of probe answers.
    this.#probes.firstAnswer();
    this.#setState('ready');
    this.debug('state', `ready (generation ${this.#documents.current}, ${this.#probes.sent} probes${beforeLoad ? ', before load' : ''})`);
    this.#ready.resolve();
    this.#host.dispatchEvent(new KioskReadyEvent(this.#documents.current, reconnected));
    if (this.state !== 'ready') return;
    if (this.#reopenPending) {
      this.#reopenPending = false;
      this.#host.reopen();
    }
    this.#channel.pump(); // does nothing while settling; endSettle pumps
  }

  #onReadyTimeout(): void {
    this.#readyTimer = undefined;
    if (this.state !== 'connecting') return;
    this.#probes.stop();
    const error = new CocalcError(
      'READY_TIMEOUT',
      `The kiosk at ${this.#options.origin} did not answer a status probe within ${this.#options.readyTimeout} ms`,
      { details: { probes: this.#probes.sent } },
    );
    this.#setState('failed');
    this.#ready.reject(error);
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
    return this.state === 'ready' && ((this.#probes.settling && isStatusReply(reply)) || this.#channel.awaits(reply));
  }

  #onReply(reply: KioskReply): void {
    if (this.state === 'connecting' && isStatusReply(reply)) return this.#becomeReady();
    if (this.state === 'ready' && this.#probes.settling) {
      // Late answers to the other readiness probes of this connection.
      if (isStatusReply(reply)) return this.#probes.lateAnswer();
    } else if (this.state === 'ready' && this.#channel.handle(reply)) return;
    this.counters.unmatched++;
  }
}
