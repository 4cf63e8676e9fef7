/**
 * In-process mutual exclusion per key: `run(key, fn)` starts `fn` only after every earlier `run`
 * with the same key has settled. The SQLite store's `exclusive` (one instance, one process).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` after the earlier holders of `key`; resolves or rejects as `fn` does. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    try {
      return await fn();
    } finally {
      release();
      // The last holder cleans up, so the map does not grow with every key ever used.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a holder or a waiter. */
  get size(): number {
    return this.tails.size;
  }
}
