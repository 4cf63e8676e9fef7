import { retryPolicy, type CocalcError } from '@cocalc-embed/protocol';

/**
 * Recovery from a failure that heals by itself: the network or the backend was away, or a first
 * visit was still being provisioned (the error code's retry policy says `recover` or `backoff`).
 * Such a failure is tried again when the browser comes back online or the tab becomes visible
 * again – the moments a user would otherwise press Retry. Other failures wait for Retry or
 * `reload()`: trying them again unasked would only repeat them.
 *
 * At most one watch at a time; listeners are removed as soon as one fires or {@link stop} is called,
 * so a removed element leaves nothing on `window` or `document`.
 */
export class SessionRecovery {
  readonly #retry: (error: CocalcError) => void;
  #watch: AbortController | undefined;

  /** @param retry called once, online and visible again, with the failure being recovered from */
  constructor(retry: (error: CocalcError) => void) {
    this.#retry = retry;
  }

  /** Starts watching for the moment to retry after `error`, if its policy says it recovers. */
  watch(error: CocalcError): void {
    this.stop();
    const policy = retryPolicy(error.code);
    if (policy !== 'recover' && policy !== 'backoff') return;
    const watch = new AbortController();
    this.#watch = watch;
    const onChange = (): void => {
      // A hidden tab coming online is not a user waiting: wait until it is visible too.
      if (document.visibilityState === 'hidden') return;
      watch.abort();
      this.#retry(error);
    };
    window.addEventListener('online', onChange, { signal: watch.signal });
    document.addEventListener('visibilitychange', onChange, { signal: watch.signal });
  }

  /** Stops watching (a new session started, or the element was removed). */
  stop(): void {
    this.#watch?.abort();
    this.#watch = undefined;
  }
}
