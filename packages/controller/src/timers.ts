/** The controller's timers, so that destroy() can clear every one of them at once. */
export class Timers {
  readonly #live = new Set<number>();

  /** Runs `fn` after `ms`; returns the timer's id. */
  later(fn: () => void, ms: number): number {
    const timer = setTimeout(() => {
      this.#live.delete(timer);
      fn();
    }, ms) as unknown as number;
    this.#live.add(timer);
    return timer;
  }

  /** Clears one timer; `undefined` is ignored. */
  clear(timer: number | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#live.delete(timer);
  }

  /** Clears every live timer. */
  clearAll(): void {
    for (const timer of this.#live) clearTimeout(timer);
    this.#live.clear();
  }
}
