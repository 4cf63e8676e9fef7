/**
 * How an upstream (CoCalc) call failed. The kind decides retry, breaker and HTTP mapping:
 * - `network`: connection refused/reset before an answer: retried once, counts for the breaker;
 * - `timeout`: no answer within the upstream timeout: not retried, counts for the breaker;
 * - `http`: a non-2xx status (500, 502 HTML page…): counts for the breaker;
 * - `invalid`: a 2xx answer that is not the expected shape (HTML, bad JSON, malformed token);
 * - `semantic`: CoCalc answered and refused (`event:"error"`, `{error}`, HTTP 400 `{error}`);
 *   never retried (a wrong password starts a ban) and does not trip the breaker;
 * - `unavailable`: we did not even try (breaker open, concurrency queue full).
 */
export const UpstreamErrorKind = {
  NETWORK: 'network',
  TIMEOUT: 'timeout',
  HTTP: 'http',
  INVALID: 'invalid',
  SEMANTIC: 'semantic',
  UNAVAILABLE: 'unavailable',
} as const;

/** Union of {@link UpstreamErrorKind} values. */
export type UpstreamErrorKind = (typeof UpstreamErrorKind)[keyof typeof UpstreamErrorKind];

/**
 * A failed CoCalc API call. `message` is ours; `upstreamMessage` keeps CoCalc's own error text
 * (for semantic errors) for logs only: it is never sent to the browser.
 */
export class UpstreamError extends Error {
  /** What went wrong, see {@link UpstreamErrorKind}. */
  readonly kind: UpstreamErrorKind;
  /** The CoCalc endpoint or call name, e.g. `user_auth` or `system.generateUserAuthToken`. */
  readonly endpoint: string;
  /** HTTP status when there was one. */
  readonly status: number | undefined;
  /**
   * CoCalc's own error string for semantic errors; for logs, never for clients. Kept up to 8 KiB
   * here: the logger cuts it to length only after redacting secrets, so a cut cannot leave part of
   * a password that CoCalc quoted back.
   */
  readonly upstreamMessage: string | undefined;
  /** For `unavailable`: when to try again, in ms. */
  readonly retryAfterMs: number | undefined;
  /** For a refused `create_account`: CoCalc's `reason` object (field → message); for decisions, never for clients. */
  readonly reason: Readonly<Record<string, unknown>> | undefined;

  constructor(
    kind: UpstreamErrorKind,
    endpoint: string,
    message: string,
    extra: { status?: number; upstreamMessage?: string; retryAfterMs?: number; cause?: unknown; reason?: Record<string, unknown> } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'UpstreamError';
    this.kind = kind;
    this.endpoint = endpoint;
    this.status = extra.status;
    this.upstreamMessage = extra.upstreamMessage?.slice(0, 8192);
    this.retryAfterMs = extra.retryAfterMs;
    this.reason = extra.reason;
  }

  /** Whether this failure says something about CoCalc's health (breaker accounting). */
  get countsAsFailure(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'http' || this.kind === 'invalid';
  }
}
