import { CocalcError } from '@cocalc-embed/protocol';
import { ProbeSchedule, type ProbeOptions } from './probe-schedule.js';

/** Options of `KioskController.connect`. */
export interface KioskControllerOptions {
  /**
   * Kiosk origin, e.g. 'https://cocalc.example.edu' or 'http://localhost:5180'. Normalised once
   * (`new URL(origin).origin`, must be http(s), `'null'` refused) and compared with `===` afterwards.
   */
  origin: string;
  /** ms until the first valid status reply of a connection, default 30_000. */
  readyTimeout?: number;
  /** ms for `status`/`closeall` replies, default 5_000. */
  requestTimeout?: number;
  /** ms until `open`'s ack, default 5_000 (docs/threat-model.md#goal-timeouts). */
  openAckTimeout?: number;
  /** ms until `open`'s done/error, counted from sending, default 90_000 (docs/threat-model.md#goal-timeouts). */
  openTimeout?: number;
  /** Calls that may wait (before ready / behind the one in flight), default 10. */
  maxQueue?: number;
  /** Status probes: a burst every 10 ms for 1 s after each load, then 50 ms → ×1.5 → 1_000 ms. */
  probe?: ProbeOptions;
  /** Keep a bounded debug log (tokens redacted). */
  debug?: boolean;
  /** Inbound messages per second per source before dropping, default 50 (docs/threat-model.md#goal-message-caps). */
  rateLimit?: number;
  /** Burst size of the rate limit, default 100. */
  rateBurst?: number;
}

/** Options after validation, with defaults applied. */
export interface ResolvedKioskControllerOptions {
  readonly origin: string;
  readonly readyTimeout: number;
  readonly requestTimeout: number;
  readonly openAckTimeout: number;
  readonly openTimeout: number;
  readonly maxQueue: number;
  readonly probe: ProbeOptions;
  readonly debug: boolean;
  readonly rateLimit: number;
  readonly rateBurst: number;
}

/**
 * `new URL(origin).origin` for http(s) origins; throws INVALID_ARGUMENT otherwise. `"null"` (an
 * opaque origin) is refused: it would match every sandboxed frame (docs/threat-model.md#opaque-origins).
 */
function normalizeOrigin(origin: unknown): string {
  if (typeof origin !== 'string' || origin.trim() === '' || origin.trim() === 'null') {
    throw invalid('origin', `must be an http(s) origin (got ${JSON.stringify(String(origin))})`);
  }
  let url: URL;
  try {
    url = new URL(origin.trim());
  } catch {
    throw invalid('origin', `is not a URL (got ${JSON.stringify(origin)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('origin', `must be http(s) (got ${url.protocol})`);
  if (url.origin === 'null') throw invalid('origin', 'is opaque');
  return url.origin;
}

/** Validates options and applies defaults. Throws INVALID_ARGUMENT synchronously. */
export function resolveOptions(options: KioskControllerOptions): ResolvedKioskControllerOptions {
  if (options === null || typeof options !== 'object') throw invalid('options', 'must be an object');
  const resolved: ResolvedKioskControllerOptions = {
    origin: normalizeOrigin(options.origin),
    readyTimeout: positive('readyTimeout', options.readyTimeout, 30_000),
    requestTimeout: positive('requestTimeout', options.requestTimeout, 5_000),
    openAckTimeout: positive('openAckTimeout', options.openAckTimeout, 5_000),
    openTimeout: positive('openTimeout', options.openTimeout, 90_000),
    maxQueue: positive('maxQueue', options.maxQueue, 10, true),
    probe: { ...(options.probe ?? {}) },
    debug: options.debug === true,
    rateLimit: positive('rateLimit', options.rateLimit, 50),
    rateBurst: positive('rateBurst', options.rateBurst, 100),
  };
  try {
    new ProbeSchedule(resolved.probe);
  } catch (error) {
    throw invalid('probe', (error as Error).message);
  }
  return Object.freeze(resolved);
}

/** Validates a per-call timeout. */
export function callTimeout(value: number | undefined, fallback: number, field = 'timeout'): number {
  return positive(field, value, fallback);
}

function positive(field: string, value: number | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw invalid(field, `must be a positive ${integer ? 'integer' : 'number'} (got ${String(value)})`);
  }
  return value;
}

function invalid(field: string, problem: string): CocalcError {
  return new CocalcError('INVALID_ARGUMENT', `${field} ${problem}`, { details: { field } });
}
