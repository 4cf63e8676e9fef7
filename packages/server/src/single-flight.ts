/**
 * Coalesces concurrent calls with the same key into one: while a call for `key` is pending, later
 * callers get the same promise (docs/threat-model.md#minting-abuse: 20 concurrent mints ⇒ 1 upstream call).
 * Nothing is cached after the promise settles; the next call starts a fresh one.
 */
export class SingleFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();

  /** Runs `fn` unless a call with `key` is already pending, in which case joins it. */
  run(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing) return existing;
    const promise = (async () => {
      try {
        return await fn();
      } finally {
        this.pending.delete(key);
      }
    })();
    this.pending.set(key, promise);
    return promise;
  }
}
