import { CocalcError, DEFAULT_TOKEN_ENDPOINT, parseTokenResponse, retryPolicy, type TokenResponse } from '@cocalc-embed/protocol';
import { abortable } from './abortable.js';
import { fetchToken, revokeToken, tokenRequestAborted } from './fetch-token.js';
import type { TokenProvider } from './token-provider.js';

/** A token as the element holds it: the validated answer plus when it stops being usable. */
export interface TokenGrant {
  /** The validated token response. */
  readonly response: TokenResponse;
  /**
   * `performance.now()` at which the token expires: the time the answer arrived plus the server's
   * `expiresIn`. A monotonic clock on purpose: the page's wall clock may be wrong or jump.
   */
  readonly expiresAtMs: number;
}

/** What the broker is asked for. */
export interface TokenBrokerRequest {
  /** Token endpoint URL (same-origin path in the common case). */
  readonly endpoint: string;
  /** File path. */
  readonly path: string;
  /** Optional project name. */
  readonly project?: string;
  /**
   * Mints the token instead of the endpoint (the element's `tokenProvider`). Its answer is
   * validated like the endpoint's; it gets the endpoint's timeout, and is neither shared nor retried.
   */
  readonly provider?: TokenProvider | undefined;
}

/** Options of {@link TokenBroker}; every default is the production value. */
export interface TokenBrokerOptions {
  /** Per-attempt timeout in ms (default 10 000, docs/threat-model.md#goal-timeouts). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, for retryable failures only (default 3). */
  readonly maxRetries?: number;
  /** First backoff delay in ms, doubled per retry: 1 s, 2 s, 4 s by default. */
  readonly retryBaseMs?: number;
  /** Random jitter in [0, 1) (tests inject a fixed one). */
  readonly random?: () => number;
  /** `fetch` to use; defaults to the page's, looked up at call time (never at import time). */
  readonly fetch?: typeof fetch;
  /** Monotonic clock in ms; defaults to `performance.now()`. */
  readonly now?: () => number;
  /**
   * How long, in ms, to keep asking while the endpoint answers HTTP 202 "provisioning" (a first
   * visit, set up in CoCalc in the background) before giving up with PROVISIONING_TIMEOUT.
   * Default 180 000 (3 minutes: a cold CoCalc starting a project can take over a minute).
   */
  readonly provisioningTimeoutMs?: number;
}

interface Flight {
  readonly promise: Promise<TokenGrant>;
  readonly abort: AbortController;
  waiters: number;
}

/**
 * Page-wide token source: the endpoint, a host's provider, and revocation. Elements asking for the same endpoint + project + path at the same time
 * share one request (single flight), failures are retried with exponential backoff and jitter
 * honouring `Retry-After`, HTTP 202 "provisioning" answers are asked again after their
 * `retryAfter` until `provisioningTimeoutMs`, and expiry is computed from the server's `expiresIn`. Tokens are not
 * cached beyond the flight: the backend may revoke a token once it is redeemed, so a later element
 * always gets a fresh one.
 */
export class TokenBroker {
  readonly #options: Required<Omit<TokenBrokerOptions, 'fetch'>> & { fetch?: typeof fetch };
  readonly #flights = new Map<string, Flight>();
  #requests = 0;

  constructor(options: TokenBrokerOptions = {}) {
    this.#options = {
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 3,
      retryBaseMs: options.retryBaseMs ?? 1_000,
      random: options.random ?? Math.random,
      now: options.now ?? (() => performance.now()),
      provisioningTimeoutMs: options.provisioningTimeoutMs ?? 180_000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
  }

  /** How many HTTP requests this broker has sent (diagnostics and tests). */
  get requestCount(): number {
    return this.#requests;
  }

  /** Whether a grant is past its expiry on this broker's clock. */
  isExpired(grant: TokenGrant): boolean {
    return this.#options.now() >= grant.expiresAtMs;
  }

  /** Wraps an answer obtained elsewhere (a `tokenProvider`) into a grant on this broker's clock. */
  grant(response: TokenResponse): TokenGrant {
    return Object.freeze({ response, expiresAtMs: this.#options.now() + response.expiresIn * 1000 });
  }

  /**
   * A fresh token for `request`. Joins a flight already under way for the same key. Aborting
   * `signal` rejects this caller with ABORTED; the shared request is cancelled only when every
   * caller has gone.
   */
  get(request: TokenBrokerRequest, signal?: AbortSignal): Promise<TokenGrant> {
    if (request.provider) return this.#fromProvider(request, request.provider, signal);
    if (signal?.aborted) return Promise.reject(tokenRequestAborted());
    const key = JSON.stringify([request.endpoint || DEFAULT_TOKEN_ENDPOINT, request.project ?? null, request.path]);
    let flight = this.#flights.get(key);
    if (!flight) {
      const abort = new AbortController();
      const promise = this.#run(request, abort.signal);
      const created: Flight = { promise, abort, waiters: 0 };
      flight = created;
      this.#flights.set(key, created);
      const forget = (): void => {
        if (this.#flights.get(key) === created) this.#flights.delete(key);
      };
      promise.then(forget, forget);
    }
    const current = flight;
    current.waiters++;
    return abortable(() => current.promise, { signal, aborted: tokenRequestAborted }).finally(() => {
      // The shared request is cancelled only when its last waiter gave up.
      if (--current.waiters === 0 && signal?.aborted) {
        current.abort.abort();
        if (this.#flights.get(key) === current) this.#flights.delete(key);
      }
    });
  }

  /**
   * Best effort: asks the endpoint to revoke a token it minted, once it has been redeemed, so the
   * bearer secret is useless to anything that saw it. Resolves with the HTTP status.
   */
  revoke(request: Pick<TokenBrokerRequest, 'endpoint'>, token: string): Promise<number> {
    return revokeToken(request.endpoint || DEFAULT_TOKEN_ENDPOINT, token, { timeoutMs: this.#options.timeoutMs, fetch: this.#fetch() });
  }

  async #fromProvider(request: TokenBrokerRequest, provider: TokenProvider, signal: AbortSignal | undefined): Promise<TokenGrant> {
    const { timeoutMs } = this.#options;
    try {
      const answer = await abortable((local) => provider({ path: request.path, project: request.project, signal: local }), {
        signal,
        aborted: tokenRequestAborted,
        timeoutMs,
        timedOut: () => new CocalcError('TOKEN_TIMEOUT', `tokenProvider did not answer within ${timeoutMs} ms.`),
      });
      // Same validation as the endpoint: a bad token never reaches an iframe.
      return this.grant(parseTokenResponse(answer));
    } catch (error) {
      if (CocalcError.is(error)) throw error;
      throw new CocalcError('TOKEN_UNAVAILABLE', 'tokenProvider failed.', { cause: error });
    }
  }

  #fetch(): typeof fetch {
    return this.#options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async #run(request: TokenBrokerRequest, signal: AbortSignal): Promise<TokenGrant> {
    const { maxRetries, retryBaseMs, random, timeoutMs, provisioningTimeoutMs, now } = this.#options;
    const provisioningDeadline = now() + provisioningTimeoutMs;
    for (let attempt = 0; ; ) {
      try {
        this.#requests++;
        const answer = await fetchToken(request.endpoint || DEFAULT_TOKEN_ENDPOINT, request, { signal, timeoutMs, fetch: this.#fetch() });
        if (answer.kind === 'token') return this.grant(answer.response);
        // 202: the backend is still provisioning. That is progress, not a failure (no retry is
        // used up); wait as asked, abortably, within the overall deadline, then ask again.
        const remaining = provisioningDeadline - now();
        if (remaining <= 0) {
          throw new CocalcError(
            'PROVISIONING_TIMEOUT',
            `The token endpoint was still provisioning after ${Math.round(provisioningTimeoutMs / 1000)} s.`,
            { details: { provisioningTimeoutMs } },
          );
        }
        await sleep(Math.min(answer.retryAfterMs, remaining), signal);
      } catch (error) {
        attempt++;
        // Only what the error table says the broker backs off from (the endpoint or network was away).
        const retryable = CocalcError.is(error) && retryPolicy(error.code) === 'backoff';
        if (!retryable || attempt > maxRetries || signal.aborted) throw error;
        // Exponential backoff with up to +50 % jitter, so 20 elements that failed together do not
        // come back together; a server's Retry-After is a floor, never shortened.
        const backoff = retryBaseMs * 2 ** (attempt - 1) * (1 + random() / 2);
        await sleep(Math.max(backoff, error.retryAfterMs ?? 0), signal);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return abortable(
    (inner) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        inner.addEventListener('abort', () => clearTimeout(timer), { once: true });
      }),
    { signal, aborted: tokenRequestAborted },
  );
}

let pageBroker: TokenBroker | undefined;

/** The page-wide broker every `<cocalc-notebook>` shares, created on first use (never at import time). */
export function getTokenBroker(): TokenBroker {
  pageBroker ??= new TokenBroker();
  return pageBroker;
}
