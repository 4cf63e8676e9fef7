/**
 * An O(1) token bucket. The controller keeps one per accepted message source so that a kiosk
 * (or a script running inside it, docs/threat-model.md#hostile-payloads, #reflected-token) flooding the host window cannot
 * make us spend unbounded time parsing messages (WHATWG HTML §9.3.2.1 suggests rate limits).
 * Refill is computed lazily from the elapsed time, so there is no timer to clean up.
 */
export class RateLimiter {
  /** Tokens added per second. */
  readonly #ratePerSecond: number;
  /** Bucket size: how many messages may arrive at once after a quiet period. */
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  /**
   * @param ratePerSecond sustained rate, default 50 messages/s (docs/threat-model.md#goal-message-caps)
   * @param burst bucket size, default 100
   * @param now clock in ms; injectable for tests
   */
  constructor(ratePerSecond = 50, burst = 100, now: () => number = () => performance.now()) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError('RateLimiter needs ratePerSecond > 0 and burst >= 1');
    this.#ratePerSecond = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes one token; `false` when the bucket is empty (the message should be dropped). */
  tryTake(): boolean {
    const now = this.#now();
    const elapsed = now - this.#last;
    this.#last = now;
    if (elapsed > 0) this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#ratePerSecond) / 1000);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    return false;
  }
}
