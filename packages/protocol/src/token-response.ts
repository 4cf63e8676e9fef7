import { isAuthToken } from './auth-token.js';
import { CocalcError } from './cocalc-error.js';
import { isValidUuid } from './is-valid-uuid.js';
import { normalizeCocalcUrl } from './kiosk-url.js';
import { isPlainObject } from './message-limits.js';
import { projectPathProblem } from './project-path.js';

/** Default path of the token endpoint, same-origin with the host page. */
export const DEFAULT_TOKEN_ENDPOINT = '/api/cocalc/token';

/**
 * Header every token request carries. A cross-site form cannot set it, and a cross-site `fetch`
 * that sets it needs a CORS preflight the backend never grants (docs/threat-model.md#csrf).
 */
export const TOKEN_REQUEST_HEADER = 'x-cocalc-embed';

/**
 * The ways the element can sign the kiosk in, decided by the backend from the CoCalc it talks to:
 * - `url`: CoCalc ≤ 2024-10-18 reads `?auth_token=` on the kiosk URL;
 * - `impersonate`: CoCalc ≥ 2024-10-19 redeems tokens only at `/auth/impersonate`.
 * The one list of eras: the token response parser accepts exactly these, and the element's
 * sign-in table must have an entry for each (its type is keyed by {@link SignInEra}).
 */
export const SIGN_IN_ERAS = ['url', 'impersonate'] as const;

/** One of {@link SIGN_IN_ERAS}. */
export type SignInEra = (typeof SIGN_IN_ERAS)[number];

/** Body of `POST /api/cocalc/token`. The CoCalc account always comes from the backend's own mapping. */
export interface TokenRequest {
  /** File to show, relative to the project home. */
  readonly path: string;
  /** Optional project name the backend maps to a CoCalc project (never a CoCalc project id). */
  readonly project?: string;
}

/** Answer of `POST /api/cocalc/token`. */
export interface TokenResponse {
  /** CoCalc auth token: a bearer secret, never logged or put in an attribute. */
  readonly token: string;
  /**
   * When the CoCalc sign-in this token gives ends (ISO 8601, server clock): the earlier of the
   * token's own expiry and the end of the session CoCalc creates on sign-in (12 h in both eras).
   */
  readonly expiresAt: string;
  /** Seconds that sign-in lasts from when the response was sent; immune to client clock skew. */
  readonly expiresIn: number;
  /** CoCalc base URL (with base path if any). */
  readonly cocalcUrl: string;
  /** The CoCalc project holding the file. */
  readonly projectId: string;
  /** The file, as the backend resolved it. */
  readonly path: string;
  /** Which sign-in the element must use. */
  readonly signIn: SignInEra;
}

/** A project name as the page may send it: letters, digits, `.`, `_`, `-`; 1–64 characters. */
export const PROJECT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Validates a token-endpoint answer. Throws `TOKEN_INVALID` naming the first bad field, so a bad
 * token never reaches an iframe.
 */
export function parseTokenResponse(data: unknown): TokenResponse {
  if (!isPlainObject(data)) throw bad('the body is not a JSON object');
  const { token, expiresAt, expiresIn, cocalcUrl, projectId, path, signIn } = data;
  if (!isAuthToken(token)) throw bad('"token" is missing or not a 24-character CoCalc auth token');
  if (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt))) throw bad('"expiresAt" is not an ISO date');
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0) {
    throw bad('"expiresIn" is not a non-negative number of seconds');
  }
  let url: string;
  try {
    url = normalizeCocalcUrl(cocalcUrl);
  } catch {
    throw bad('"cocalcUrl" is not an http(s) URL');
  }
  if (!isValidUuid(projectId)) throw bad('"projectId" is not a UUID');
  const pathProblem = projectPathProblem(path);
  if (pathProblem) throw bad(`"path" ${pathProblem}`);
  if (!(SIGN_IN_ERAS as readonly unknown[]).includes(signIn)) throw bad(`"signIn" is none of ${SIGN_IN_ERAS.join(', ')}`);
  return Object.freeze({ token, expiresAt, expiresIn, cocalcUrl: url, projectId, path: path as string, signIn: signIn as SignInEra });
}

/**
 * Answer of `POST /api/cocalc/token` with HTTP 202 while a first visit is still being provisioned
 * (account, project, start, files): a real CoCalc can take longer than a browser should hold one
 * request open. The work goes on in the backend; no token has been minted. Ask again after
 * `retryAfter` seconds (also sent as the `Retry-After` header); the same request then gets either
 * the token or another 202.
 */
export interface ProvisioningResponse {
  readonly status: 'provisioning';
  /** Seconds to wait before asking again; a whole number from 1 to {@link MAX_PROVISIONING_RETRY_AFTER}. */
  readonly retryAfter: number;
}

/** Upper bound of {@link ProvisioningResponse.retryAfter}; a larger value is refused as malformed. */
export const MAX_PROVISIONING_RETRY_AFTER = 60;

/**
 * Validates a 202 answer of the token endpoint. Throws `TOKEN_INVALID` naming the bad field, so a
 * malformed or hostile answer cannot make the element wait for ever.
 */
export function parseProvisioningResponse(data: unknown): ProvisioningResponse {
  if (!isPlainObject(data)) throw bad('the 202 body is not a JSON object');
  const { status, retryAfter } = data;
  if (status !== 'provisioning') throw bad('"status" of a 202 answer is not "provisioning"');
  if (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 1 || retryAfter > MAX_PROVISIONING_RETRY_AFTER) {
    throw bad(`"retryAfter" is not a whole number of seconds from 1 to ${MAX_PROVISIONING_RETRY_AFTER}`);
  }
  return Object.freeze({ status, retryAfter });
}

/** Error body every cocalc-embed backend endpoint answers with on failure. */
export interface ApiErrorBody {
  readonly error: {
    /** A stable code (a {@link CocalcErrorCode} or a backend code such as `UNAUTHENTICATED`). */
    readonly code: string;
    /** A message for people; never an upstream body, a key or a token. */
    readonly message: string;
  };
}

/** Reads `{error:{code,message}}`, or `undefined` when `data` is not that shape. Never throws. */
export function parseApiErrorBody(data: unknown): ApiErrorBody['error'] | undefined {
  if (!isPlainObject(data) || !isPlainObject(data.error)) return undefined;
  const { code, message } = data.error;
  if (typeof code !== 'string' || typeof message !== 'string' || code.length > 64 || message.length > 1000) return undefined;
  return { code, message };
}

function bad(why: string): CocalcError {
  return new CocalcError('TOKEN_INVALID', `The token endpoint answered an invalid token response: ${why}.`);
}
