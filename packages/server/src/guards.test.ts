import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { CircuitBreaker, isCircuitOpenError } from './circuit-breaker.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { RateLimiter } from './rate-limiter.js';
import { SingleFlight } from './single-flight.js';
import { UpstreamError } from './upstream-error.js';

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

describe('CircuitBreaker (cockatiel, exponential half-open back-off)', () => {
  const failure = () => new UpstreamError('http', 'x', 'HTTP 500', { status: 500 });
  const fail = (b: CircuitBreaker) => b.execute(() => Promise.reject(failure())).catch((e: unknown) => e);
  const succeed = (b: CircuitBreaker) => b.execute(() => Promise.resolve('ok'));
  beforeEach(() => mock.timers.enable({ apis: ['Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  it('opens after the threshold of consecutive failures and refuses without calling during the cool-down', async () => {
    const breaker = new CircuitBreaker({ threshold: 3, cooldownMs: 1000 });
    for (let i = 0; i < 3; i += 1) assert.ok((await fail(breaker)) instanceof UpstreamError);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAfterMs, 1000);
    let called = false;
    await assert.rejects(breaker.execute(async () => (called = true)), (e) => isCircuitOpenError(e));
    assert.equal(called, false);
    mock.timers.tick(400);
    assert.equal(breaker.retryAfterMs, 600);
  });

  it('doubles the cool-down after each failed probe up to the maximum, and resets it after a success', async () => {
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 2000, maxCooldownMs: 5000 });
    const changes: string[] = [];
    breaker.onStateChange((c) => changes.push(c.cooldownMs === undefined ? c.state : `${c.state} ${c.cooldownMs}`));
    await fail(breaker);
    assert.equal(breaker.retryAfterMs, 2000, 'first cool-down');
    mock.timers.tick(2000);
    await fail(breaker); // the probe fails
    assert.equal(breaker.retryAfterMs, 4000, 'doubled');
    mock.timers.tick(4000);
    await fail(breaker);
    assert.equal(breaker.retryAfterMs, 5000, 'capped at the maximum');
    mock.timers.tick(5000);
    assert.equal(await succeed(breaker), 'ok', 'a successful probe closes the circuit');
    assert.equal(breaker.state, 'closed');
    await fail(breaker);
    assert.equal(breaker.retryAfterMs, 2000, 'back to the first cool-down');
    assert.deepEqual(changes, ['open 2000', 'half-open', 'open 4000', 'half-open', 'open 5000', 'half-open', 'closed', 'open 2000']);
  });

  it('an answer that is not a health failure (a semantic error) neither counts nor keeps it open', async () => {
    const breaker = new CircuitBreaker({ threshold: 2, cooldownMs: 100 });
    const semantic = () => breaker.execute(() => Promise.reject(new UpstreamError('semantic', 'x', 'refused'))).catch(() => undefined);
    await fail(breaker);
    await semantic();
    await fail(breaker);
    assert.equal(breaker.state, 'open', 'the semantic error did not reset the count');
    mock.timers.tick(100);
    await semantic();
    assert.equal(breaker.state, 'closed', 'CoCalc answered the probe, so it is up');
  });

  it('a success in between resets the consecutive count', async () => {
    const breaker = new CircuitBreaker({ threshold: 2 });
    await fail(breaker);
    await succeed(breaker);
    await fail(breaker);
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
    let runs = 0;
    assert.equal(await flight.run('k', async () => (runs += 1)), 1, 'the next call runs afresh');
    assert.equal(runs, 1);
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
    // Every slot given back: the cap and the queue are whole again.
    assert.equal(await limiter.acquire(), true);
    const queuedAgain = limiter.acquire();
    assert.equal(await limiter.acquire(), false, 'queue full again');
    limiter.release();
    assert.equal(await queuedAgain, true);
  });
});
