/** Options of {@link abortable}. */
export interface AbortableOptions {
  /** The caller's signal: when it aborts, the task's signal aborts and the promise rejects with `aborted()`. */
  readonly signal?: AbortSignal | undefined;
  /** The rejection reason when `signal` aborts (called once, at that moment). */
  readonly aborted: () => unknown;
  /** After this many ms the task's signal aborts and the promise rejects with `timedOut()`. */
  readonly timeoutMs?: number;
  /** The rejection reason of a timeout. */
  readonly timedOut?: () => unknown;
}

/**
 * Runs `task` with a signal of its own that aborts when the caller's `signal` aborts or `timeoutMs`
 * passes, and settles as soon as the first of the three happens: the task's result, `aborted()` or
 * `timedOut()`. The one bridge between an `AbortSignal` and a promise in the element: listeners and
 * timers are removed once it settles, a task that ignores its signal cannot hold the caller, and a
 * late rejection of the task is handled (never reported as unhandled).
 */
export function abortable<T>(task: (signal: AbortSignal) => Promise<T>, options: AbortableOptions): Promise<T> {
  const { signal } = options;
  const inner = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  return new Promise<T>((resolve, reject) => {
    const stop = (reason: unknown): void => {
      inner.abort();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the reason is the caller's own aborted()/timedOut() value, passed through as documented
      reject(reason);
    };
    if (signal?.aborted) return stop(options.aborted());
    onAbort = () => stop(options.aborted());
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) timer = setTimeout(() => stop(options.timedOut?.()), options.timeoutMs);
    // A task that throws synchronously rejects like one that rejects.
    new Promise<T>((run) => run(task(inner.signal))).then(resolve, reject);
  }).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  });
}
