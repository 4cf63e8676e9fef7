import type { KioskController } from '@cocalc-embed/controller';

/** One pending `ready` promise with its settle functions. */
interface Resolvers {
  readonly promise: Promise<KioskController>;
  readonly resolve: (controller: KioskController) => void;
  readonly reject: (reason: Error) => void;
}

/**
 * The element's `ready` promise, across the sessions of one element. Callers waiting while the
 * element starts over (Retry, `reload()`, renewal) keep their promise and get the new kiosk. Once
 * it has resolved, the next session hands out a fresh one ({@link next}); a failure or removal
 * rejects it and hands out a fresh one at once, so a settled outcome never answers for a later
 * session.
 *
 * The promise is made when first needed, not with the element, so an element nobody awaits never
 * carries one. It is built by hand rather than with `Promise.withResolvers`, which Node 20 lacks:
 * server rendering constructs elements (and may read `ready`) in Node.
 */
export class ReadyPromise {
  #current: Resolvers | undefined;
  #resolved = false;

  /** The promise callers get now. */
  get promise(): Promise<KioskController> {
    return this.#pending().promise;
  }

  /** The kiosk answers. Resolving again (a kiosk reload) changes nothing until {@link next}. */
  resolve(controller: KioskController): void {
    this.#pending().resolve(controller);
    this.#resolved = true;
  }

  /** The session failed or the element was removed: rejects, and later callers wait for the next session. */
  reject(reason: Error): void {
    this.#current?.reject(reason); // none yet: nobody holds it, so there is nothing to reject
    this.#replace();
  }

  /** A new session starts: callers already waiting keep waiting; a resolved promise is replaced. */
  next(): void {
    if (this.#resolved) this.#replace();
  }

  #pending(): Resolvers {
    if (!this.#current) {
      let settle!: Omit<Resolvers, 'promise'>;
      const promise = new Promise<KioskController>((resolve, reject) => (settle = { resolve, reject }));
      // Handled here: a session that fails while nobody awaits `ready` must not show up as an
      // unhandled rejection on the page.
      promise.catch(() => undefined);
      this.#current = { promise, ...settle };
    }
    return this.#current;
  }

  #replace(): void {
    this.#current = undefined;
    this.#resolved = false;
  }
}
