/** A promise with its settle functions, and whether it settled (so it is never settled twice). */
export class Deferred<T> {
  /** The promise. */
  readonly promise: Promise<T>;
  /** True once resolved or rejected. */
  #settled = false;
  #resolveFn!: (value: T) => void;
  #rejectFn!: (reason: unknown) => void;

  /** @param handled mark rejections handled, so an unobserved rejection is not reported as unhandled */
  constructor(handled = false) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolveFn = resolve;
      this.#rejectFn = reject;
    });
    if (handled) this.promise.catch(() => {});
  }

  /** Resolves unless already settled. */
  resolve(value: T): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolveFn(value);
  }

  /** Rejects unless already settled. */
  reject(reason: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#rejectFn(reason);
  }
}
