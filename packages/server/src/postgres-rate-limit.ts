import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimit } from './rate-limit.js';
import type { RateLimiterOptions } from './rate-limiter.js';

/**
 * A {@link RateLimit} every instance shares, kept in PostgreSQL by rate-limiter-flexible (table
 * `rate_limits`, created by the store's migrations). Its windows are fixed rather than token
 * buckets: a window holds `burst` calls and lasts as long as `burst` calls take at `perMinute`, so
 * the sustained rate is the same and a burst after a quiet period the same size.
 *
 * While PostgreSQL cannot be reached, each instance falls back to the same limit in its own
 * memory (rate-limiter-flexible's insurance limiter): a per-instance budget rather than no limit,
 * and rather than refusing every visit because the limit cannot be read.
 */
export function postgresRateLimit(pool: Pool, name: string, options: RateLimiterOptions): RateLimit {
  if (!(options.perMinute > 0) || !(options.burst >= 1)) throw new RangeError('rate limits must be positive');
  const points = Math.floor(options.burst);
  const duration = Math.max(1, Math.ceil((points * 60) / options.perMinute));
  const limiter = new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix: name,
    points,
    duration,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration }),
  });
  return {
    async take(key) {
      // Keys are user ids (up to 200 characters) or addresses: a digest keeps them short and
      // keeps user ids out of a table that is not the mapping.
      const digest = createHash('sha256').update(key).digest('base64url');
      try {
        await limiter.consume(digest, 1);
        return { allowed: true, retryAfterSeconds: 0 };
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)) };
        }
        throw outcome;
      }
    },
  };
}
