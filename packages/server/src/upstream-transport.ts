import { CircuitBreaker, isCircuitOpenError } from './circuit-breaker.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { passwordFieldValues, silentLogger, type Logger } from './logger.js';
import { UpstreamError } from './upstream-error.js';

/** How the API key travels: HTTP Basic user with an empty password (CoCalc's classic form) or Bearer. */
export type ApiKeyAuth = 'basic' | 'bearer';

/** Options of {@link UpstreamTransport}. */
export interface UpstreamTransportOptions {
  /** CoCalc base URL (with base path), normalised. */
  cocalcUrl: string;
  /** The admin API key. Only ever put in the `Authorization` header. */
  apiKey: string;
  /** Default `basic`. */
  auth?: ApiKeyAuth;
  /** Per-attempt timeout; default 10 s (below CoCalc's own 15 s hub timeout, docs/threat-model.md#upstream-failure). */
  timeoutMs?: number;
  /** Shared breaker; default a fresh one (5 failures, 2 s first cool-down doubling up to 30 s). */
  breaker?: CircuitBreaker;
  /** Shared concurrency cap; default 20 at once, 100 waiting (docs/threat-model.md#goal-upstream-protection). */
  limiter?: ConcurrencyLimiter;
  /** `fetch` implementation; default the global one. */
  fetch?: typeof fetch;
  /** Logger for retries and failures (never sees the key or bodies). */
  logger?: Logger;
}

/** Per-call options of {@link UpstreamTransport.post}. */
export interface PostOptions {
  /** Send `application/x-www-form-urlencoded` instead of JSON (v1 allows it for flat bodies). */
  form?: boolean;
  /**
   * Whether repeating the call is harmless. Non-idempotent calls (create_account…) are retried
   * only when the connection was refused, i.e. CoCalc certainly never saw the first attempt.
   */
  idempotent?: boolean;
  /**
   * A CoCalc session cookie (`remember_me=…`) to act as that user instead of the key's account
   * (v2 reads the cookie first). Never logged.
   */
  cookie?: string;
}

/** A parsed upstream answer: the status and the JSON body. */
export interface UpstreamAnswer {
  readonly status: number;
  readonly body: unknown;
  /** The answer's `Set-Cookie` headers (a v2 sign-in's session); never logged. */
  readonly setCookies: readonly string[];
}

const MAX_BODY_BYTES = 1 << 20;

/**
 * The one place that talks HTTP to CoCalc: auth header, timeout, one retry on network errors
 * only, circuit breaker, concurrency cap, and defensive parsing (HTML bodies, bad JSON, non-2xx).
 * Both API clients sit on top of it.
 */
export class UpstreamTransport {
  /** CoCalc base URL this transport talks to. */
  readonly cocalcUrl: string;
  /** Breaker state is shared per upstream; exposed for health output. */
  readonly breaker: CircuitBreaker;
  private readonly authHeader: string;
  private readonly timeoutMs: number;
  private readonly limiter: ConcurrencyLimiter;
  private readonly fetchFn: typeof fetch;
  private readonly logger: Logger;

  constructor(options: UpstreamTransportOptions) {
    this.cocalcUrl = options.cocalcUrl.replace(/\/+$/, '');
    this.authHeader =
      options.auth === 'bearer'
        ? `Bearer ${options.apiKey}`
        : `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.breaker = options.breaker ?? new CircuitBreaker();
    this.limiter = options.limiter ?? new ConcurrencyLimiter(20, 100);
    this.fetchFn = options.fetch ?? fetch;
    this.logger = options.logger ?? silentLogger;
    // State changes are what an operator needs during an outage: one line each, never one per
    // refused request (those are summarised by the token app).
    this.breaker.onStateChange((change) => {
      if (change.state === 'open') this.logger.warn('circuit breaker open: refusing CoCalc calls', { cocalcUrl: this.cocalcUrl, cooldownMs: change.cooldownMs });
      else if (change.state === 'half-open') this.logger.info('circuit breaker half-open: probing CoCalc', { cocalcUrl: this.cocalcUrl });
      else this.logger.info('circuit breaker closed: CoCalc answers again', { cocalcUrl: this.cocalcUrl });
    });
  }

  /**
   * POSTs `body` to `{cocalcUrl}{path}`. Resolves with HTTP 2xx or 4xx JSON answers (the caller
   * decides what a 4xx `{error}` means); throws {@link UpstreamError} for everything else.
   */
  async post(endpoint: string, path: string, body: Record<string, unknown>, options: PostOptions = {}): Promise<UpstreamAnswer> {
    // Whatever password we send (a generated one, or a stored one when minting with it) is
    // registered with the log redaction first: CoCalc may quote the request in its error text.
    for (const secret of passwordFieldValues(body)) this.logger.addSecret(secret);
    try {
      return await this.breaker.execute(() => this.attemptWithRetry(endpoint, path, body, options));
    } catch (error) {
      if (isCircuitOpenError(error)) {
        throw new UpstreamError('unavailable', endpoint, 'CoCalc is failing; the circuit breaker is open', { retryAfterMs: this.breaker.retryAfterMs });
      }
      throw error;
    }
  }

  private async attemptWithRetry(endpoint: string, path: string, body: Record<string, unknown>, options: PostOptions): Promise<UpstreamAnswer> {
    try {
      return await this.attempt(endpoint, path, body, options);
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.kind !== 'network') throw error;
      const refused = (error.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED';
      if (options.idempotent === false && !refused) throw error;
      // Exactly one retry, with jitter so a fleet of backends doesn't retry in lockstep (docs/threat-model.md#upstream-failure).
      const delay = 25 + Math.floor(Math.random() * 75);
      this.logger.warn('upstream network error, retrying once', { endpoint, delayMs: delay, code: (error.cause as { code?: string } | undefined)?.code });
      await new Promise((r) => setTimeout(r, delay));
      return this.attempt(endpoint, path, body, options);
    }
  }

  private async attempt(endpoint: string, path: string, body: Record<string, unknown>, options: PostOptions): Promise<UpstreamAnswer> {
    if (!(await this.limiter.acquire())) {
      throw new UpstreamError('unavailable', endpoint, 'too many CoCalc calls in flight', { retryAfterMs: 1000 });
    }
    try {
      return await this.send(endpoint, path, body, options);
    } finally {
      this.limiter.release();
    }
  }

  private async send(endpoint: string, path: string, body: Record<string, unknown>, options: PostOptions): Promise<UpstreamAnswer> {
    const headers: Record<string, string> = { authorization: this.authHeader, accept: 'application/json' };
    let payload: string;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const params = new URLSearchParams();
      // Only flat bodies (scalars and null) are form-encoded: the v1 client checks before asking.
      for (const [k, v] of Object.entries(body)) if (v !== undefined) params.append(k, String(v as string | number | boolean | null));
      payload = params.toString();
    } else {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    if (options.cookie) headers.cookie = options.cookie;
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(`${this.cocalcUrl}${path}`, { method: 'POST', headers, body: payload, signal, redirect: 'manual' });
      text = await readBounded(response);
    } catch (error) {
      throw classifyFetchError(error, endpoint, this.timeoutMs);
    }
    const status = response.status;
    const json = parseJson(text, response.headers.get('content-type'));
    if (status >= 200 && status < 300) {
      if (json === NOT_JSON) throw new UpstreamError('invalid', endpoint, `CoCalc answered HTTP ${status} without a JSON body`, { status });
      return { status, body: json, setCookies: response.headers.getSetCookie() };
    }
    // v1 reports bad keys, bad parameters and unknown endpoints as HTTP 400 {error}: a real answer.
    if (status >= 400 && status < 500 && json !== NOT_JSON) return { status, body: json, setCookies: [] };
    throw new UpstreamError('http', endpoint, `CoCalc answered HTTP ${status}`, { status });
  }
}

const NOT_JSON = Symbol('not-json');

function parseJson(text: string, contentType: string | null): unknown {
  // An HTML error page from a proxy is not JSON even if it happens to parse (it won't), and a JSON
  // body with a text/html type is still accepted: CoCalc's v1 is not careful about content types.
  if (contentType && /text\/html/i.test(contentType) && /^\s*</.test(text)) return NOT_JSON;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

async function readBounded(response: Response): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) {
    await response.body?.cancel();
    return '';
  }
  const text = await response.text();
  return text.length > MAX_BODY_BYTES ? '' : text;
}

function classifyFetchError(error: unknown, endpoint: string, timeoutMs: number): UpstreamError {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new UpstreamError('timeout', endpoint, `CoCalc did not answer within ${timeoutMs} ms`);
  }
  // undici wraps socket errors: TypeError('fetch failed', {cause: {code: 'ECONNREFUSED'|…}}).
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return new UpstreamError('network', endpoint, `could not reach CoCalc${code ? ` (${code})` : ''}`, {
    cause: { code: code ?? 'UNKNOWN' },
  });
}
