import { redactToken } from '@cocalc-embed/protocol';

/** One line of the controller's debug log. */
export interface KioskDebugEntry {
  /** `performance.timeOrigin + performance.now()` when it was logged, ms since the epoch. */
  readonly at: number;
  /** What happened: `out` (posted), `in` (accepted), `drop` (rejected), `state`, `call`, `info`. */
  readonly kind: 'out' | 'in' | 'drop' | 'state' | 'call' | 'info';
  /** Human-readable text, tokens redacted, at most 500 characters. */
  readonly text: string;
}

/** Longest text kept per entry: junk can be huge, the log must stay small. */
const MAX_TEXT = 500;

/**
 * Replaces anything that looks like an auth token. The kiosk `src` may carry `auth_token=…`
 * (the `url` sign-in era, docs/cocalc-protocol.md#url-sign-in) and must never reach a log (docs/threat-model.md#goal-leak-budget).
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(auth_token=)([^&#\s"']*)/gi, (_m, key: string, token: string) => key + redactToken(token))
    .replace(/("?auth_token"?\s*:\s*"?)([A-Za-z0-9]{8,})/gi, (_m, key: string, token: string) => key + redactToken(token));
}

/**
 * A fixed-size ring buffer of {@link KioskDebugEntry}: O(1) per entry, bounded memory whatever
 * a flood of messages does.
 */
export class DebugLog {
  readonly #buffer: KioskDebugEntry[] = [];
  #start = 0;

  readonly #capacity: number;

  /** @param capacity entries kept; the oldest are overwritten. */
  constructor(capacity = 200) {
    this.#capacity = capacity;
  }

  /** Appends an entry (redacted and truncated). */
  add(kind: KioskDebugEntry['kind'], text: string): void {
    const clean = redactSecrets(text.length > MAX_TEXT * 2 ? text.slice(0, MAX_TEXT * 2) : text);
    const entry: KioskDebugEntry = Object.freeze({
      at: performance.timeOrigin + performance.now(),
      kind,
      text: clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}…` : clean,
    });
    if (this.#buffer.length < this.#capacity) this.#buffer.push(entry);
    else {
      this.#buffer[this.#start] = entry;
      this.#start = (this.#start + 1) % this.#capacity;
    }
  }

  /** The entries, oldest first. */
  entries(): readonly KioskDebugEntry[] {
    return Object.freeze([...this.#buffer.slice(this.#start), ...this.#buffer.slice(0, this.#start)]);
  }
}

/** A short, safe description of untrusted message data for the log. Never throws. */
export function describeData(data: unknown): string {
  try {
    if (data === null || typeof data !== 'object') return typeof data === 'string' ? JSON.stringify(data.slice(0, 200)) : String(data);
    const json = JSON.stringify(data, (_k, v: unknown) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…` : v));
    return json === undefined ? Object.prototype.toString.call(data) : json.slice(0, MAX_TEXT);
  } catch {
    return Object.prototype.toString.call(data);
  }
}
