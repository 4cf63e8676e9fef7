import { isPlainObject, parseKioskReply, parseProjectLogMessage, PROJECT_LOG_SOURCE, type KioskReply, type ProjectLogEntry } from '@cocalc-embed/protocol';
import { describeData, type KioskDebugEntry } from './debug-log.js';
import type { MutableKioskStats } from './kiosk-stats.js';
import { RateLimiter } from './rate-limiter.js';

/** Where the gate hands what it lets through. */
export interface GateHandlers {
  /** Whether `reply` is awaited right now: such a reply passes even when the rate limit is spent. */
  awaits(reply: KioskReply): boolean;
  reply(reply: KioskReply): void;
  projectLog(entry: ProjectLogEntry): void;
  debug(kind: KioskDebugEntry['kind'], text: string): void;
}

/**
 * The intake of every `message` event: only from the frame's `contentWindow` at exactly `origin`,
 * rate-limited per source, and validated into fresh null-prototype objects; each rejection is
 * counted in `counters`. The O(1) checks come first, so a flood from other windows costs almost nothing.
 */
export class MessageGate {
  readonly #iframe: HTMLIFrameElement;
  readonly #origin: string;
  readonly #counters: MutableKioskStats;
  readonly #handlers: GateHandlers;
  readonly #limiter: RateLimiter;

  constructor(
    iframe: HTMLIFrameElement,
    origin: string,
    rate: { readonly rateLimit: number; readonly rateBurst: number },
    counters: MutableKioskStats,
    handlers: GateHandlers,
  ) {
    this.#iframe = iframe;
    this.#origin = origin;
    this.#counters = counters;
    this.#handlers = handlers;
    this.#limiter = new RateLimiter(rate.rateLimit, rate.rateBurst);
  }

  /** Handles one `message` event of the host window. */
  receive(event: MessageEvent): void {
    const counters = this.#counters;
    const handlers = this.#handlers;
    if (event.origin !== this.#origin) return void counters.rejectedOrigin++;
    const source = this.#iframe.contentWindow;
    if (source === null || event.source !== source) return void counters.rejectedSource++;
    const data: unknown = event.data;
    if (!this.#limiter.tryTake()) {
      // Even when flooded, a valid reply to what we wait for must get through: a cheap pre-check
      // keeps junk O(1), then a full parse decides.
      const reply = looksLikeReply(data) ? parseKioskReply(data) : undefined;
      if (!reply || !handlers.awaits(reply)) {
        counters.rejectedRate++;
        return handlers.debug('drop', 'rate limited');
      }
      counters.accepted++;
      return handlers.reply(reply);
    }
    if (isPlainObject(data) && Object.hasOwn(data, 'source') && data.source === PROJECT_LOG_SOURCE) {
      const entry = parseProjectLogMessage(data);
      if (!entry) {
        counters.rejectedShape++;
        return handlers.debug('drop', 'malformed project-log message');
      }
      counters.accepted++;
      handlers.debug('in', `project-log ${entry.event.event ?? ''} ${entry.event.filename ?? ''}`);
      return handlers.projectLog(entry);
    }
    const reply = parseKioskReply(data);
    if (!reply) {
      counters.rejectedShape++;
      return handlers.debug('drop', `bad shape (${data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data})`);
    }
    counters.accepted++;
    handlers.debug('in', describeData(reply));
    handlers.reply(reply);
  }
}

/** O(1) test that `data` could be a kiosk reply at all: a plain object with a known `status`. */
function looksLikeReply(data: unknown): boolean {
  if (!isPlainObject(data) || !Object.hasOwn(data, 'status')) return false;
  const status = data.status;
  return status === 'done' || status === 'ack' || status === 'error';
}
