import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from './circuit-breaker.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { RateLimiter } from './rate-limiter.js';
import { SingleFlight } from './single-flight.js';

describe('RateLimiter', () => {
  it('allows the burst, then refuses with a Retry-After until the bucket refills', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 10, burst: 5, now: () => now });
    for (let i = 0; i < 5; i += 1) assert.equal(limiter.take('u').allowed, true);
    const refused = limiter.take('u');
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 6); // 10/min ⇒ one token every 6 s
    now += 6_000;
    assert.equal(limiter.take('u').allowed, true);
    assert.equal(limiter.take('u').allowed, false);
  });

  it('keeps separate buckets per key', () => {
    const limiter = new RateLimiter({ perMinute: 1, burst: 1 });
    assert.equal(limiter.take('a').allowed, true);
    assert.equal(limiter.take('b').allowed, true);
    assert.equal(limiter.take('a').allowed, false);
  });

  it('bounds memory under a flood of distinct keys', () => {
    const limiter = new RateLimiter({ perMinute: 1, burst: 1, maxKeys: 10 });
    for (let i = 0; i < 1000; i += 1) limiter.take(`k${i}`);
    assert.ok((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size <= 10);
  });
});

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and fails fast during the cool-down', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 3, cooldownMs: 1000, now: () => now });
    for (let i = 0; i < 3; i += 1) {
      assert.equal(breaker.tryAcquire(), 0);
      breaker.onFailure();
    }
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.tryAcquire(), 1000);
    now = 400;
    assert.equal(breaker.tryAcquire(), 600);
  });

  it('lets exactly one probe through when half-open; success closes, failure re-opens', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 100, now: () => now });
    breaker.tryAcquire();
    breaker.onFailure();
    now = 100;
    assert.equal(breaker.tryAcquire(), 0, 'probe allowed');
    assert.ok(breaker.tryAcquire() > 0, 'second caller refused while probing');
    breaker.onFailure();
    assert.equal(breaker.state, 'open');
    now = 200;
    assert.equal(breaker.tryAcquire(), 0);
    breaker.onSuccess();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.tryAcquire(), 0);
  });

  it('a success in between resets the consecutive count', () => {
    const breaker = new CircuitBreaker({ threshold: 2 });
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    assert.equal(breaker.state, 'closed');
  });
});

describe('SingleFlight', () => {
  it('runs one call for concurrent callers of a key and shares its result', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const fn = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 10));
      return 42;
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => flight.run('k', fn)));
    assert.equal(runs, 1);
    assert.deepEqual(new Set(results), new Set([42]));
    await flight.run('k', fn);
    assert.equal(runs, 2, 'nothing is cached once the call settled');
  });

  it('shares failures too and forgets them afterwards', async () => {
    const flight = new SingleFlight<number>();
    const boom = () => Promise.reject(new Error('boom'));
    await assert.rejects(Promise.all([flight.run('k', boom), flight.run('k', boom)]), /boom/);
    assert.equal(flight.size, 0);
  });
});

describe('ConcurrencyLimiter', () => {
  it('queues beyond the cap and refuses beyond the queue', async () => {
    const limiter = new ConcurrencyLimiter(1, 1);
    assert.equal(await limiter.acquire(), true);
    const queued = limiter.acquire();
    assert.equal(await limiter.acquire(), false, 'queue full');
    limiter.release();
    assert.equal(await queued, true);
    limiter.release();
    assert.equal(limiter.inFlight, 0);
  });
});
