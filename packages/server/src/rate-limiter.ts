/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Sustained rate: tokens added per minute. */
  perMinute: number;
  /** Bucket size: how many calls may come at once after a quiet period. */
  burst: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Buckets kept at most; the oldest are dropped first (bounded memory under a key flood). */
  maxKeys?: number;
}

/** Outcome of {@link RateLimiter.take}. */
export interface RateDecision {
  /** Whether the call may proceed. */
  readonly allowed: boolean;
  /** When refused: seconds until one token is back (for `Retry-After`, at least 1). */
  readonly retryAfterSeconds: number;
}

/**
 * Token buckets keyed by user or IP (docs/threat-model.md#minting-abuse, #goal-abuse-limits). A full bucket holds
 * `burst` tokens and refills at `perMinute`; each call takes one.
 */
export class RateLimiter {
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: RateLimiterOptions) {
    if (!(options.perMinute > 0) || !(options.burst >= 1)) throw new RangeError('rate limits must be positive');
    this.ratePerMs = options.perMinute / 60_000;
    this.burst = options.burst;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Takes one token for `key`, or says how long to wait. */
  take(key: string): RateDecision {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.ratePerMs);
      bucket.at = now;
      // Re-insert so Map order approximates least-recently-used for eviction.
      this.buckets.delete(key);
      this.buckets.set(key, bucket);
    } else {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000)) };
  }
}
