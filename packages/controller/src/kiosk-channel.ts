import { CocalcError, type KioskReply, type KioskRequest } from '@cocalc-embed/protocol';
import type { KioskDebugEntry } from './debug-log.js';
import { ACTIONS, type ActionEffects, type Call, type ReplyMatch } from './kiosk-actions.js';
import { RequestQueue } from './request-queue.js';
import type { Timers } from './timers.js';

/**
 * After an aborted or timed-out request, how long the channel waits for its late reply before
 * sending the next request. Without it, a late reply of the same shape would be taken as the
 * answer to the next request, and every following answer would be off by one.
 */
const DRAIN_MS = 1_000;

/** What the channel needs from the connection under it. */
export interface ChannelLink {
  /** Whether a request may be sent now: ready, the probes' answers settled, the frame shows the kiosk. */
  canSend(): boolean;
  /** Posts to the kiosk at exactly its origin; false when the frame has no window. */
  post(request: KioskRequest): boolean;
  debug(kind: KioskDebugEntry['kind'], text: string): void;
}

/**
 * The one-request-in-flight channel: a bounded FIFO of calls, exactly one sent at a time, replies
 * matched by order and shape ({@link ACTIONS}), a timeout and an `AbortSignal` per call, and the
 * late replies of an abandoned request swallowed rather than taken for the next one's.
 */
export class KioskChannel {
  readonly #queue: RequestQueue<Call>;
  readonly #link: ChannelLink;
  readonly #timers: Timers;
  readonly #effects: ActionEffects;
  #inFlight: Call | undefined;
  /** A request whose caller gave up (abort, timeout) but whose reply may still come. */
  #zombie: { readonly call: Call; readonly timer: number } | undefined;

  constructor(maxQueue: number, link: ChannelLink, timers: Timers, effects: ActionEffects) {
    this.#queue = new RequestQueue<Call>(maxQueue);
    this.#link = link;
    this.#timers = timers;
    this.#effects = effects;
  }

  /** Queues `call` (or settles it at once: aborted, queue full) and sends it when its turn comes. */
  submit(call: Call): void {
    const signal = call.signal;
    if (signal?.aborted) return this.#settle(call, abortedError(signal));
    if (!this.#queue.push(call)) {
      return this.#settle(call, new CocalcError('QUEUE_FULL', `At most ${this.#queue.capacity} calls may wait for the kiosk`));
    }
    if (signal) {
      const onAbort = (): void => {
        const error = abortedError(signal);
        if (this.#queue.remove(call)) this.#settle(call, error);
        else this.#failInFlight(call, error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      call.removeAbortListener = () => signal.removeEventListener('abort', onAbort);
    }
    this.#link.debug('call', `queued ${call.kind}${call.path ? ` ${call.path}` : ''}`);
    this.pump();
  }

  /** Queues internal calls ahead of everything waiting. */
  pushFront(calls: readonly Call[]): void {
    this.#queue.pushFront(calls);
  }

  /** Sends the next queued call when the channel is free. */
  pump(): void {
    if (this.#inFlight || this.#zombie || !this.#link.canSend()) return;
    const call = this.#queue.shift();
    if (!call) return;
    const spec = ACTIONS[call.kind];
    this.#inFlight = call;
    if (!this.#link.post(spec.request(call))) {
      this.#inFlight = undefined;
      this.#settle(call, new CocalcError('NOT_READY', 'The kiosk iframe has no window (removed from the document?)'));
      return this.pump();
    }
    const fail = (code: CocalcError['code'], message: string) => () => this.#failInFlight(call, new CocalcError(code, message));
    call.timers.push(this.#timers.later(fail(spec.timeoutCode, `No reply to ${call.kind} within ${call.timeout} ms`), call.timeout));
    if (spec.ackTimeout && call.ackTimeout < call.timeout) {
      const noAck = fail('REQUEST_TIMEOUT', `No ack to ${call.kind} within ${call.ackTimeout} ms`);
      call.timers.push(this.#timers.later(() => call.acked || noAck(), call.ackTimeout));
    }
  }

  /** The call in flight and every queued call, oldest first; the channel is empty afterwards. */
  takePending(): Call[] {
    const pending = this.#inFlight ? [this.#inFlight, ...this.#queue.drain()] : this.#queue.drain();
    this.#inFlight = undefined;
    return pending;
  }

  /** The queued calls only (the one in flight stays). */
  drainQueue(): Call[] {
    return this.#queue.drain();
  }

  /** Stops waiting for an abandoned request's late reply (its document is gone). */
  forgetZombie(): void {
    if (this.#zombie) this.#timers.clear(this.#zombie.timer);
    this.#zombie = undefined;
  }

  /** Whether `reply` is something the channel waits for (the rate limit lets those through). */
  awaits(reply: KioskReply): boolean {
    return this.#matches(this.#zombie?.call, reply) || this.#matches(this.#inFlight, reply);
  }

  /** Hands a validated reply to its call; false when it belongs to none. */
  handle(reply: KioskReply): boolean {
    if (this.#matches(this.#zombie?.call, reply)) {
      this.#link.debug('drop', 'late reply of an abandoned request swallowed');
      this.forgetZombie();
      this.pump();
      return false;
    }
    const call = this.#inFlight;
    const match: ReplyMatch = call ? ACTIONS[call.kind].match(call, reply) : 'none';
    if (!call || match === 'none') return false;
    const spec = ACTIONS[call.kind];
    if (match === 'ack') {
      call.acked = true;
      spec.acked?.(this.#effects, call);
      return true;
    }
    this.#inFlight = undefined;
    if (match === 'resolve') this.#settle(call, undefined, spec.done(this.#effects, call, reply));
    else {
      const mesg = 'mesg' in reply ? String(reply.mesg) : '';
      this.#settle(call, new CocalcError('REMOTE_ERROR', `CoCalc refused ${call.kind}: ${mesg}`, { details: { mesg } }));
    }
    this.pump();
    return true;
  }

  /** Settles a call once: clears its timers and abort listener. */
  #settle(call: Call, error: CocalcError | undefined, value?: unknown): void {
    for (const timer of call.timers) this.#timers.clear(timer);
    call.timers = [];
    call.removeAbortListener?.();
    call.removeAbortListener = undefined;
    if (error) {
      this.#link.debug('call', `${call.kind}${call.path ? ` ${call.path}` : ''} failed: ${error.code}`);
      call.deferred.reject(error);
    } else call.deferred.resolve(value);
  }

  /** Rejects every one of `calls` with `error`. */
  settleAll(calls: readonly Call[], error: CocalcError): void {
    for (const call of calls) this.#settle(call, error);
  }

  #matches(call: Call | undefined, reply: KioskReply): boolean {
    return call !== undefined && ACTIONS[call.kind].match(call, reply) !== 'none';
  }

  /** Rejects the call in flight and frees the channel, swallowing its late replies when they would be ambiguous. */
  #failInFlight(call: Call, error: CocalcError): void {
    if (this.#inFlight !== call) return;
    this.#inFlight = undefined;
    this.#settle(call, error);
    // Replies of an acked call name it, so they cannot be mistaken for another call's; everything
    // else (status/closeall done, validation errors) could, so wait for it a while.
    if (!call.acked) {
      const timer = this.#timers.later(() => {
        if (this.#zombie?.timer !== timer) return;
        this.#zombie = undefined;
        this.pump();
      }, DRAIN_MS);
      this.#zombie = { call, timer };
    }
    this.pump();
  }
}

function abortedError(signal: AbortSignal): CocalcError {
  return new CocalcError('ABORTED', 'The call was aborted', { cause: signal.reason });
}
