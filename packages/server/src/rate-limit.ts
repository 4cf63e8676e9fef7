import type { RateDecision, RateLimiterOptions } from './rate-limiter.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * A per-key limit as the token endpoint uses it: one call takes one unit. Async because a limit
 * shared by several instances lives in their database.
 */
export interface RateLimit {
  /** Takes one unit for `key`, or says how long to wait. */
  take(key: string): Promise<RateDecision>;
}

/** A {@link RateLimit} in this process's memory (token buckets): exact for a single instance. */
export function memoryRateLimit(options: RateLimiterOptions): RateLimit {
  const limiter = new RateLimiter(options);
  return { take: async (key) => limiter.take(key) };
}
