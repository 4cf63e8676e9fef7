/**
 * Stable error codes. Codes are semver API: a page author may branch on them. Messages are for
 * people and may change in any release.
 */
export const CocalcErrorCode = {
  /** A caller passed something unusable (bad path, non-UUID project id, bad option). Fix the call. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The call was cancelled through its `AbortSignal`. */
  ABORTED: 'ABORTED',
  /** The controller or element was destroyed while the call was pending or before it was made. */
  DESTROYED: 'DESTROYED',
  /** The kiosk iframe navigated or reloaded while the call was pending; the call was not answered. */
  RELOADED: 'RELOADED',
  /** A call needed a live kiosk and there is none (for example the iframe went away). */
  NOT_READY: 'NOT_READY',
  /** No `status` reply arrived within the ready timeout: kiosk not loaded, origin not allowed in CoCalc, not signed in. */
  READY_TIMEOUT: 'READY_TIMEOUT',
  /** A request got no reply in time. */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** `open` was acknowledged but never completed in time (CoCalc's open_file has no timeout of its own). */
  OPEN_TIMEOUT: 'OPEN_TIMEOUT',
  /** Too many calls were queued before the kiosk became ready. */
  QUEUE_FULL: 'QUEUE_FULL',
  /** A newer call replaced this one (for example `path` changed while an `open` was pending). */
  SUPERSEDED: 'SUPERSEDED',
  /** CoCalc answered with `{status: "error"}`; `details.mesg` holds its text verbatim. */
  REMOTE_ERROR: 'REMOTE_ERROR',
  /** The token endpoint could not be reached (network failure, connection refused). */
  TOKEN_UNAVAILABLE: 'TOKEN_UNAVAILABLE',
  /** The token endpoint did not answer in time. */
  TOKEN_TIMEOUT: 'TOKEN_TIMEOUT',
  /**
   * The token endpoint kept answering HTTP 202 "provisioning" (a first visit: account, project and
   * files being set up in CoCalc) past the element's provisioning deadline.
   */
  PROVISIONING_TIMEOUT: 'PROVISIONING_TIMEOUT',
  /** The token endpoint refused the request (401/403/4xx): the page's user is not signed in or not allowed. */
  TOKEN_REJECTED: 'TOKEN_REJECTED',
  /** The token endpoint answered something that is not a valid token response (HTML, bad JSON, malformed token). */
  TOKEN_INVALID: 'TOKEN_INVALID',
  /** The token expired before CoCalc accepted it, and a fresh one did not help. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** The token endpoint or CoCalc asked us to slow down (HTTP 429). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The backend could not reach CoCalc or CoCalc failed (HTTP 502/503/504 from the token endpoint). */
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  /**
   * The kiosk loads and answers but is not signed in, even with a fresh token: the sign-in cookie
   * was blocked (cross-site deployment, third-party cookies) or CoCalc refused the token.
   */
  SESSION_BLOCKED: 'SESSION_BLOCKED',
} as const;

/** Union of every {@link CocalcErrorCode} value. */
export type CocalcErrorCode = (typeof CocalcErrorCode)[keyof typeof CocalcErrorCode];

/**
 * What may be done about a failure, per code:
 * - `never`: the same operation fails the same way again (fix the call, the page or the backend);
 * - `caller`: trying again may help, nothing retries on its own;
 * - `recover`: like `caller`, and the element tries again by itself when the browser comes back
 *   online or the tab becomes visible again (the cause is away, not wrong);
 * - `backoff`: like `recover`, and the token broker already retried it with exponential backoff.
 */
export type RetryPolicy = 'never' | 'caller' | 'recover' | 'backoff';

/**
 * Every code once: its retry policy and a one-line hint for people. The one place that decides what
 * is retried; `CocalcError.retryable`, the token broker and the element's recovery all read it.
 */
const CODES: Readonly<Record<CocalcErrorCode, readonly [RetryPolicy, string]>> = {
  INVALID_ARGUMENT: ['never', 'Check the arguments or attributes named in the message.'],
  ABORTED: ['never', 'The caller cancelled the operation.'],
  DESTROYED: ['never', 'The embed was removed; create a new one.'],
  RELOADED: ['caller', 'The CoCalc frame reloaded; the call can be made again once it is ready.'],
  NOT_READY: ['caller', 'Wait for the kiosk to become ready, then try again.'],
  READY_TIMEOUT: [
    'caller',
    'CoCalc did not answer. Check that the host page origin is listed in CoCalc\'s iframe_comm_hosts, ' +
      'that the page is served over https on the default port, and that the URL has fullscreen=kiosk.',
  ],
  REQUEST_TIMEOUT: ['caller', 'CoCalc did not reply in time; try again.'],
  OPEN_TIMEOUT: ['caller', 'CoCalc accepted the file but did not finish opening it; is the project running?'],
  QUEUE_FULL: ['caller', 'Too many calls are waiting for the kiosk; wait for ready before calling more.'],
  SUPERSEDED: ['never', 'A newer call replaced this one.'],
  REMOTE_ERROR: ['never', 'CoCalc reported an error; see the message.'],
  TOKEN_UNAVAILABLE: ['backoff', 'The token endpoint could not be reached; is the backend running?'],
  TOKEN_TIMEOUT: ['backoff', 'The token endpoint is slow to answer; try again.'],
  // The broker does not retry it (its own wait for provisioning ran out), but provisioning goes on
  // in the background, so a later try finds it done.
  PROVISIONING_TIMEOUT: [
    'recover',
    'The backend is still setting up this CoCalc account and project; retry in a minute. ' +
      'If it keeps happening, check the backend logs and how fast CoCalc starts projects.',
  ],
  TOKEN_REJECTED: ['never', 'The backend refused to mint a token: is the user signed in to this site?'],
  // The same backend answers the same thing again: not retried, not retryable.
  TOKEN_INVALID: ['never', 'The token endpoint answered something that is not a token; check the backend.'],
  TOKEN_EXPIRED: ['caller', 'The CoCalc session expired; retry to sign in again.'],
  RATE_LIMITED: ['backoff', 'Too many requests; wait a moment before retrying.'],
  UPSTREAM_ERROR: ['backoff', 'The backend could not reach CoCalc; try again shortly.'],
  SESSION_BLOCKED: [
    'never',
    'CoCalc loaded but is not signed in, even with a fresh token. Usually the page and CoCalc are on ' +
      'different sites, so the browser drops CoCalc\'s sign-in cookie: serve both from one domain. ' +
      'Otherwise CoCalc refused the token (expired or revoked): check the backend.',
  ],
};

/** Options for {@link CocalcError}. */
export interface CocalcErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** Overrides the code's default hint. */
  hint?: string;
  /** When known (for example from `Retry-After`), how long to wait before retrying, in ms. */
  retryAfterMs?: number;
  /** Structured, non-secret details (for example CoCalc's `mesg`, an HTTP status). Never a token. */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The one error class of cocalc-embed. Every async failure rejects with a `CocalcError`; branch on
 * {@link CocalcError.code}, which is stable, not on the message.
 */
export class CocalcError extends Error {
  /** Stable, machine-readable code. */
  readonly code: CocalcErrorCode;
  /** Whether retrying the same operation may succeed. */
  readonly retryable: boolean;
  /** A short suggestion for people (shown by the element's error view). */
  readonly hint: string;
  /** Suggested wait before a retry, in ms, when the remote side said so. */
  readonly retryAfterMs: number | undefined;
  /** Structured, non-secret details. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: CocalcErrorCode, message: string, options: CocalcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CocalcError';
    this.code = code;
    this.retryable = isRetryable(code);
    this.hint = options.hint ?? CODES[code]?.[1] ?? '';
    this.retryAfterMs = options.retryAfterMs;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  /** True when `value` is a `CocalcError` (optionally with the given code), across realms too. */
  static is(value: unknown, code?: CocalcErrorCode): value is CocalcError {
    const ok =
      value instanceof CocalcError ||
      (value instanceof Error && value.name === 'CocalcError' && typeof (value as CocalcError).code === 'string');
    return ok && (code === undefined || (value as CocalcError).code === code);
  }
}

/** Whether retrying an operation that failed with `code` can help (its policy is not `never`). */
export function isRetryable(code: CocalcErrorCode): boolean {
  return retryPolicy(code) !== 'never';
}

/** The {@link RetryPolicy} of `code`. */
export function retryPolicy(code: CocalcErrorCode): RetryPolicy {
  return CODES[code]?.[0] ?? 'caller';
}
