/**
 * Stable error codes of the backend's JSON error body `{error:{code,message}}`. Like
 * `CocalcErrorCode`, codes are API and messages are not.
 */
export const ApiErrorCode = {
  /** 400: malformed JSON, unknown or forbidden fields (account ids, emails…), bad path or project name. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** 401: the site's `authenticate` found no signed-in user. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** 403: cross-site request (`Sec-Fetch-Site`) or missing `x-cocalc-embed` header (CSRF). */
  FORBIDDEN: 'FORBIDDEN',
  /** 403: the user already has `COCALC_EMBED_MAX_PROJECTS_PER_USER` projects; no new one is made. */
  PROJECT_LIMIT: 'PROJECT_LIMIT',
  /** 403: the page asked for a `project` name that `COCALC_EMBED_PROJECT_NAMES` does not list. */
  PROJECT_NOT_ALLOWED: 'PROJECT_NOT_ALLOWED',
  /** 404: no such route. */
  NOT_FOUND: 'NOT_FOUND',
  /** 405: only POST mints tokens. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** 413: request body too large. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** 415: the body must be `application/json`. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** 429: per-user or per-IP limit hit; see `Retry-After`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** 502: CoCalc answered something wrong (HTTP 5xx, HTML, bad JSON, an error, a malformed token). */
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  /** 503: CoCalc unreachable, circuit breaker open or too many calls queued; see `Retry-After`. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** 504: CoCalc did not answer within the upstream timeout. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** 503: the server is shutting down. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** 500: a bug on our side; details only in the log. */
  INTERNAL: 'INTERNAL',
} as const;

/** Union of {@link ApiErrorCode} values. */
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];
