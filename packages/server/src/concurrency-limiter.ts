/**
 * Caps concurrent upstream calls with a bounded wait queue (docs/threat-model.md#goal-upstream-protection): CoCalc is
 * protected from our bursts, and when even the queue is full callers are refused at once rather
 * than piling up.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  /**
   * @param max calls allowed at once
   * @param maxQueue calls allowed to wait for a slot
   */
  constructor(
    private readonly max: number,
    private readonly maxQueue: number,
  ) {}

  /** Waits for a slot; resolves `false` at once when the queue is full. Call {@link release} after. */
  acquire(): Promise<boolean> {
    if (this.active < this.max) {
      this.active += 1;
      return Promise.resolve(true);
    }
    if (this.waiters.length >= this.maxQueue) return Promise.resolve(false);
    return new Promise((resolve) => this.waiters.push(() => resolve(true)));
  }

  /** Frees a slot, handing it straight to the next waiter if there is one. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active -= 1;
  }
}
