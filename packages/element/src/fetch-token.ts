import {
  CocalcError,
  MAX_PROVISIONING_RETRY_AFTER,
  parseApiErrorBody,
  parseProvisioningResponse,
  parseTokenResponse,
  TOKEN_REQUEST_HEADER,
  type TokenRequest,
  type TokenResponse,
} from '@cocalc-embed/protocol';
import { abortable } from './abortable.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * What one attempt at the token endpoint got: a token, or HTTP 202 "still provisioning, ask again
 * in `retryAfterMs`" (a first visit whose CoCalc account and project are being set up).
 */
export type TokenAnswer =
  | { readonly kind: 'token'; readonly response: TokenResponse }
  | { readonly kind: 'provisioning'; readonly retryAfterMs: number };

/** Largest token-endpoint body we read; a real answer is a few hundred bytes. */
const MAX_BODY_CHARS = 64 * 1024;

/** Options of {@link fetchToken}. */
export interface FetchTokenOptions {
  /** Aborts the request (the caller gave up): rejects `ABORTED`. */
  readonly signal?: AbortSignal;
  /** Milliseconds before the attempt rejects `TOKEN_TIMEOUT`. */
  readonly timeoutMs: number;
  /** The `fetch` to use (tests inject one). */
  readonly fetch: typeof fetch;
}

/**
 * One attempt at `POST {endpoint}` with `{path, project?}`. A 202 is a valid "provisioning" answer
 * (see {@link TokenAnswer}). Every way it can go wrong becomes a typed `CocalcError`: unreachable
 * (TOKEN_UNAVAILABLE), slow (TOKEN_TIMEOUT), 401/403/4xx (TOKEN_REJECTED), 429 (RATE_LIMITED with
 * `retryAfterMs`), 5xx (UPSTREAM_ERROR), and anything that is not a valid token response — HTML,
 * bad JSON, no token, a malformed token, a 202 that is not `{status:"provisioning", retryAfter}`
 * with 1 ≤ retryAfter ≤ 60 (TOKEN_INVALID). Bodies are never echoed into messages: a proxy's HTML
 * error page must not end up in the DOM.
 */
export async function fetchToken(endpoint: string, request: TokenRequest, options: FetchTokenOptions): Promise<TokenAnswer> {
  const body = request.project === undefined ? { path: request.path } : { path: request.path, project: request.project };
  const [response, text] = await postEndpoint(endpoint, body, options);
  if (!response.ok) throw httpError(response, text);
  const type = response.headers.get('content-type') ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new CocalcError('TOKEN_INVALID', `The token endpoint answered ${describeType(type)} instead of JSON.`, {
      details: { status: response.status, contentType: type.slice(0, 100) },
    });
  }
  if (text.length > MAX_BODY_CHARS) {
    throw new CocalcError('TOKEN_INVALID', 'The token endpoint answered an oversized body.', { details: { status: response.status } });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new CocalcError('TOKEN_INVALID', 'The token endpoint answered invalid JSON.', { cause, details: { status: response.status } });
  }
  if (response.status === 202) {
    // The body is the contract (parsed strictly: no wait beyond 60 s); the Retry-After header may
    // ask for longer than the body, never beyond the same bound.
    const { retryAfter } = parseProvisioningResponse(data);
    const header = parseRetryAfter(response.headers.get('retry-after')) ?? 0;
    const retryAfterMs = Math.min(Math.max(retryAfter * 1000, header), MAX_PROVISIONING_RETRY_AFTER * 1000);
    return { kind: 'provisioning', retryAfterMs };
  }
  return { kind: 'token', response: parseTokenResponse(data) };
}

/**
 * `POST {endpoint}/revoke` with `{token}`: the backend makes a token it minted useless. Resolves
 * with the HTTP status; rejects like {@link fetchToken} when the endpoint cannot be reached.
 */
export async function revokeToken(endpoint: string, token: string, options: FetchTokenOptions): Promise<number> {
  const url = new URL(endpoint, location.href);
  // `/revoke` is added to the path, also when the endpoint has a query.
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/revoke`;
  const [response] = await postEndpoint(url.href, { token }, options);
  return response.status;
}

/**
 * One JSON `POST` to the token endpoint (or its `/revoke`), the way every request there is made:
 * the CSRF header, same-origin credentials, no cache, a timeout (TOKEN_TIMEOUT) and the caller's
 * signal (ABORTED); a request that cannot be sent or read is TOKEN_UNAVAILABLE.
 */
async function postEndpoint(url: string, body: object, options: FetchTokenOptions): Promise<[Response, string]> {
  return abortable(
    async (signal) => {
      try {
        const response = await options.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', [TOKEN_REQUEST_HEADER]: '1' },
          body: JSON.stringify(body),
          credentials: 'same-origin',
          cache: 'no-store',
          signal,
        });
        return [response, await response.text()];
      } catch (cause) {
        throw new CocalcError('TOKEN_UNAVAILABLE', 'The token endpoint could not be reached.', { cause });
      }
    },
    {
      signal: options.signal,
      aborted: tokenRequestAborted,
      timeoutMs: options.timeoutMs,
      timedOut: () => new CocalcError('TOKEN_TIMEOUT', `The token endpoint did not answer within ${options.timeoutMs} ms.`),
    },
  );
}

/** The ABORTED error of a token request the caller gave up on. */
export function tokenRequestAborted(): CocalcError {
  return new CocalcError('ABORTED', 'The token request was cancelled.');
}

function httpError(response: Response, text: string): CocalcError {
  const status = response.status;
  let serverError: { code: string; message: string } | undefined;
  try {
    serverError = parseApiErrorBody(JSON.parse(text));
  } catch {
    serverError = undefined; // HTML from a proxy, or nothing: never shown.
  }
  const details = { status, ...(serverError ? { serverCode: serverError.code } : {}) };
  const said = serverError ? `: ${serverError.message}` : '';
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  if (status === 429) {
    return new CocalcError('RATE_LIMITED', `The token endpoint asked to slow down (HTTP 429)${said}`, { details, retryAfterMs });
  }
  if (status >= 500) {
    return new CocalcError('UPSTREAM_ERROR', `The token endpoint failed (HTTP ${status})${said}`, { details, retryAfterMs });
  }
  return new CocalcError('TOKEN_REJECTED', `The token endpoint refused the request (HTTP ${status})${said}`, { details });
}

function describeType(type: string): string {
  if (type === '') return 'a body without content type';
  return JSON.stringify(type.split(';')[0]!.trim().slice(0, 60));
}
