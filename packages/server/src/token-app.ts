import { PROJECT_NAME_PATTERN, TOKEN_REQUEST_HEADER, isAuthToken, isPlainObject, projectPathProblem } from '@cocalc-embed/protocol';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiErrorCode } from './api-error-code.js';
import { createDemoAuth, type Authenticate } from './demo-auth.js';
import type { EmbedStore } from './embed-store.js';
import type { ServerConfig } from './load-config.js';
import { silentLogger, type Logger } from './logger.js';
import { RefusalSummary } from './refusal-summary.js';
import { SqliteEmbedStore } from './sqlite-embed-store.js';
import { ProjectRefusedError } from './project-refused-error.js';
import { ClientGoneError, TokenService } from './token-service.js';
import { TrustedProxies } from './trusted-proxies.js';
import { UpstreamError } from './upstream-error.js';

/** Options of {@link createTokenApp}. */
export interface TokenAppOptions {
  /** Validated configuration ({@link loadConfig}). */
  config: ServerConfig;
  /**
   * The store; default a {@link SqliteEmbedStore} in `config.dataDir`. With
   * `COCALC_EMBED_DATABASE_URL` set, pass the store `createStore(config)` resolves (or use
   * `startServer`, which does).
   */
  store?: EmbedStore;
  /** Close a given `store` when the app closes (a store the app opens itself always is). */
  ownStore?: boolean;
  /**
   * Who the site's user is. Default: the demo cookie when `config.demoAuth`, else nobody (every
   * mint answers 401 until the site plugs in its own session check).
   */
  authenticate?: Authenticate;
  /** Structured logger; default silent. */
  logger?: Logger;
  /** `fetch` used for CoCalc calls; default the global one. */
  fetch?: typeof fetch;
  /** Client address for per-IP limits when not running under `@hono/node-server`. */
  clientAddress?: (request: Request) => string | undefined;
  /** Clock, for tests. */
  now?: () => number;
}

/** Lifecycle hooks the Node server (and tests) use. */
export interface TokenAppRuntime {
  /** The store in use. */
  readonly store: EmbedStore;
  /** Requests being handled right now. */
  readonly inFlight: number;
  /** Whether {@link startDraining} was called: `/readyz` answers 503 and new mints are refused. */
  readonly draining: boolean;
  /** Flips readiness to 503 at once (SIGTERM). */
  startDraining(): void;
  /** Resolves when no request is in flight, or after `timeoutMs`; `true` when drained. */
  waitIdle(timeoutMs: number): Promise<boolean>;
  /** Closes the store if the app opened it. */
  close(): Promise<void>;
}

/** A Hono app (use `.fetch` as a standard `(Request) => Promise<Response>` handler) plus its runtime. */
export type TokenApp = Hono & { readonly embed: TokenAppRuntime };

/** Each app's {@link TokenService}: internal (not re-exported by the package), for tests that drive its background jobs. */
const services = new WeakMap<TokenApp, TokenService>();

/** The token service behind an app made by {@link createTokenApp}. Internal; not part of the package's API. */
export function tokenServiceOf(app: TokenApp): TokenService {
  const service = services.get(app);
  if (!service) throw new Error('not an app made by createTokenApp');
  return service;
}

const MAX_BODY_BYTES = 8 * 1024;
/** Answered normally while draining; everything else gets 503 `SHUTTING_DOWN`. */
const HEALTH_PATHS = new Set(['/healthz', '/readyz']);
const ALLOWED_FIELDS = new Set(['path', 'project']);
const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/**
 * Builds the token backend as a Hono app: `POST /api/cocalc/token` (protocol `TokenResponse`),
 * `/healthz`, `/readyz`, and with demo auth `/api/demo/{login,whoami,logout}`. Every response
 * carries `no-store`, `nosniff` and `frame-ancestors 'none'`; no CORS header is ever sent, so
 * foreign origins cannot read anything (security-reference.md T13, D5–D7).
 */
export function createTokenApp(options: TokenAppOptions): TokenApp {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  if (options.store === undefined && config.databaseUrl) {
    throw new Error('COCALC_EMBED_DATABASE_URL is set: pass the store createStore(config) resolves, or use startServer');
  }
  const ownsStore = options.store === undefined || options.ownStore === true;
  const store = options.store ?? SqliteEmbedStore.inDataDir(config.dataDir);
  const service = new TokenService({ config, store, logger, fetch: options.fetch, now: options.now });
  service.firstProjects.start();
  const demo = config.demoAuth ? createDemoAuth({ secret: config.sessionSecret, users: config.demoUsers, now: options.now }) : undefined;
  const authenticate: Authenticate = options.authenticate ?? demo?.authenticate ?? (async () => null);
  // Limits live in the store, so instances sharing a database share them too.
  const userLimit = store.rateLimit('user', { perMinute: config.rateUserPerMinute, burst: config.rateUserBurst, now: options.now });
  const ipLimit = store.rateLimit('ip', { perMinute: config.rateIpPerMinute, burst: config.rateIpBurst, now: options.now });
  // Sign-ins get buckets of their own (same setting): signing in must not eat the mint budget.
  const loginIpLimit = store.rateLimit('login-ip', { perMinute: config.rateIpPerMinute, burst: config.rateIpBurst, now: options.now });

  const proxies = new TrustedProxies(config.trustedProxies);
  const allowedOrigins = new Set(config.allowedOrigins);
  const refusals = new RefusalSummary({ logger, message: 'requests refused while CoCalc is unavailable' });

  let inFlight = 0;
  let draining = false;
  let idleWaiters: Array<() => void> = [];

  const app = new Hono();

  app.use('*', async (c, next) => {
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
      if (inFlight === 0) {
        for (const resolve of idleWaiters) resolve();
        idleWaiters = [];
      }
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
      // While draining, tell keep-alive clients to reconnect (to another instance).
      if (draining) c.res.headers.set('connection', 'close');
      // Never let a CORS header through, whatever a handler or proxy did (D6).
      c.res.headers.delete('access-control-allow-origin');
      c.res.headers.delete('access-control-allow-credentials');
    }
  });

  // While draining, only health checks are answered normally: a load balancer keeps seeing
  // /readyz say 503 "draining" (not "connection refused") until in-flight requests are done.
  app.use('*', async (c, next) => {
    if (draining && !HEALTH_PATHS.has(c.req.path)) {
      return fail(c, 503, 'SHUTTING_DOWN', 'The server is shutting down; retry on another instance.', { 'retry-after': '1', connection: 'close' });
    }
    await next();
  });

  // Before any other work, on every route: count body bytes as they arrive and stop at the limit.
  // A chunked body declares no length, so checking Content-Length alone let one request make the
  // process buffer hundreds of MiB. Hono's middleware reads at most the limit; past it we answer
  // 413 and close the connection, and the adapter discards (never buffers) what is still coming.
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => fail(c, 413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes.`, { connection: 'close' }),
    }),
  );

  // Browsers without Fetch Metadata (no Sec-Fetch-Site) still send Origin on cross-origin
  // requests: a foreign one is refused on every route, as Sec-Fetch-Site: cross-site is.
  app.use('*', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && c.req.header('sec-fetch-site') === undefined && !HEALTH_PATHS.has(c.req.path)) {
      if (origin !== requestOrigin(c, proxies) && !allowedOrigins.has(origin)) return fail(c, 403, 'FORBIDDEN', 'Requests from other origins are refused.');
    }
    await next();
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Ready means: not draining, and the store answers (an instance that cannot reach the shared
  // database must leave the load balancer's rotation rather than fail every visit).
  app.get('/readyz', async (c) => {
    if (draining) return c.json({ status: 'draining' }, 503);
    try {
      await store.ping();
    } catch {
      return c.json({ status: 'store-unavailable', store: store.kind }, 503);
    }
    return c.json({ status: 'ready', store: store.kind, breaker: service.transport.breaker.state });
  });

  app.all('/api/cocalc/token', async (c) => {
    const refused = checkCsrf(c, config.allowSameSite);
    if (refused) return refused;

    const ip = clientIp(c, proxies, options.clientAddress);
    const byIp = await ipLimit.take(ip);
    if (!byIp.allowed) {
      logger.warn('rate limited', { scope: 'ip', ip });
      return fail(c, 429, 'RATE_LIMITED', 'Too many token requests from this address.', { 'retry-after': String(byIp.retryAfterSeconds) });
    }
    const who = await authenticate(c.req.raw);
    if (!who || typeof who.userId !== 'string' || who.userId.length === 0 || who.userId.length > 200) {
      return fail(c, 401, 'UNAUTHENTICATED', 'Sign in to this site first.');
    }
    const byUser = await userLimit.take(who.userId);
    if (!byUser.allowed) {
      logger.warn('rate limited', { scope: 'user', userId: who.userId });
      return fail(c, 429, 'RATE_LIMITED', 'Too many token requests for this user.', { 'retry-after': String(byUser.retryAfterSeconds) });
    }

    const body = await readJsonBody(c);
    if ('error' in body) return body.error;
    const request = validateTokenRequest(body.value);
    if (typeof request === 'string') return fail(c, 400, 'BAD_REQUEST', request);

    const started = Date.now();
    const signal = c.req.raw.signal;
    const onGone = () => logger.debug('client closed the connection before the answer', { userId: who.userId });
    signal.addEventListener('abort', onGone, { once: true });
    try {
      const answer = await service.mint(who.userId, request.path, request.project, { signal });
      if ('status' in answer) {
        // First visit still provisioning: come back later; the work goes on in the background.
        c.header('retry-after', String(answer.retryAfter));
        return c.json(answer, 202);
      }
      logger.info('minted token', { userId: who.userId, projectId: answer.projectId, ms: Date.now() - started });
      return c.json(answer, 200);
    } catch (error) {
      if (error instanceof ClientGoneError) {
        logger.info('client went away before its token was delivered', { userId: who.userId });
        return c.body(null, 499 as 200); // nobody reads it; the socket is gone
      }
      if (error instanceof ProjectRefusedError) {
        logger.warn('project refused', { userId: who.userId, code: error.code });
        return fail(c, 403, error.code, error.message);
      }
      return upstreamFailure(c, error, logger, refusals, who.userId);
    } finally {
      signal.removeEventListener('abort', onGone);
    }
  });

  // After the element has signed in with a token it asks for it to be revoked, so the 12–24 h
  // bearer secret dies minutes after it was made (security-reference F5, G6). Only the user it was
  // minted for can revoke it, so revocations are bounded by mints; the IP limit still applies.
  app.all('/api/cocalc/token/revoke', async (c) => {
    const refused = checkCsrf(c, config.allowSameSite);
    if (refused) return refused;
    const ip = clientIp(c, proxies, options.clientAddress);
    const byIp = await ipLimit.take(ip);
    if (!byIp.allowed) return fail(c, 429, 'RATE_LIMITED', 'Too many requests from this address.', { 'retry-after': String(byIp.retryAfterSeconds) });
    const who = await authenticate(c.req.raw);
    if (!who || typeof who.userId !== 'string' || who.userId.length === 0 || who.userId.length > 200) {
      return fail(c, 401, 'UNAUTHENTICATED', 'Sign in to this site first.');
    }
    const body = await readJsonBody(c);
    if ('error' in body) return body.error;
    const value = body.value;
    if (!isPlainObject(value) || Object.keys(value).length !== 1 || !isAuthToken(value.token)) {
      return fail(c, 400, 'BAD_REQUEST', 'The body must be {token} with a 24-character CoCalc auth token.');
    }
    try {
      const revoked = await service.revoke(who.userId, value.token);
      logger.info('token revoke', { userId: who.userId, revoked });
      return c.json({ revoked }, 200);
    } catch (error) {
      return upstreamFailure(c, error, logger, refusals, who.userId);
    }
  });

  if (demo) {
    app.all('/api/demo/login', async (c) => {
      const refused = checkCsrf(c, config.allowSameSite);
      if (refused) return refused;
      const byIp = await loginIpLimit.take(clientIp(c, proxies, options.clientAddress));
      if (!byIp.allowed) return fail(c, 429, 'RATE_LIMITED', 'Too many sign-ins from this address.', { 'retry-after': String(byIp.retryAfterSeconds) });
      const body = await readJsonBody(c);
      if ('error' in body) return body.error;
      const user = isPlainObject(body.value) ? body.value.user : undefined;
      if (!demo.isAllowed(user)) return fail(c, 400, 'BAD_REQUEST', `Unknown demo user; try one of: ${config.demoUsers.join(', ')}.`);
      c.header('set-cookie', demo.loginCookie(user, isHttps(c, proxies)));
      return c.json({ user });
    });
    app.get('/api/demo/whoami', async (c) => c.json({ user: (await demo.authenticate(c.req.raw))?.userId ?? null }));
    app.all('/api/demo/logout', async (c) => {
      const refused = checkCsrf(c, config.allowSameSite, false);
      if (refused) return refused;
      c.header('set-cookie', demo.logoutCookie(isHttps(c, proxies)));
      return c.json({ user: null });
    });
  }

  app.notFound((c) => fail(c, 404, 'NOT_FOUND', 'No such endpoint.'));
  app.onError((error, c) => {
    logger.error('unhandled error', { error });
    return fail(c, 500, 'INTERNAL', 'Internal error.');
  });

  const runtime: TokenAppRuntime = {
    store,
    get inFlight() {
      return inFlight;
    },
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
    },
    waitIdle(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      refusals.stop();
      service.close();
      if (ownsStore) await store.close();
    },
  };
  const tokenApp = Object.assign(app, { embed: runtime });
  services.set(tokenApp, service);
  return tokenApp;
}

/**
 * The CSRF gate shared by every state-changing endpoint: POST only (405), no cross-site Fetch
 * Metadata (403), the custom header (403: a form cannot set it, a cross-site fetch needs a
 * preflight we never grant), and a JSON body (415).
 */
function checkCsrf(c: Context, allowSameSite: boolean, needsJson = true): Response | undefined {
  if (c.req.method !== 'POST') return fail(c, 405, 'METHOD_NOT_ALLOWED', 'Use POST.', { allow: 'POST' });
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && !(site === 'same-origin' || site === 'none' || (allowSameSite && site === 'same-site'))) {
    return fail(c, 403, 'FORBIDDEN', 'Cross-site requests are refused.');
  }
  if (!c.req.header(TOKEN_REQUEST_HEADER)) return fail(c, 403, 'FORBIDDEN', `The ${TOKEN_REQUEST_HEADER} header is required.`);
  if (needsJson && !/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
    return fail(c, 415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json.');
  }
  return undefined;
}

/** Parses the body, which the body-limit middleware has already bounded to {@link MAX_BODY_BYTES}. */
async function readJsonBody(c: Context): Promise<{ value: unknown } | { error: Response }> {
  let text: string;
  try {
    text = await c.req.text();
  } catch {
    return { error: fail(c, 400, 'BAD_REQUEST', 'The body could not be read.') };
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: fail(c, 400, 'BAD_REQUEST', 'The body is not valid JSON.') };
  }
}

/**
 * Accepts exactly `{path, project?}`. Anything naming a CoCalc account or project (account_id,
 * user_account_id, email, projectId…) or any other field is refused: the account comes only
 * from the server-side mapping (security-reference.md T14, D4).
 */
function validateTokenRequest(value: unknown): { path: string; project: string | undefined } | string {
  if (!isPlainObject(value)) return 'The body must be a JSON object {path, project?}.';
  const extra = Object.keys(value).filter((k) => !ALLOWED_FIELDS.has(k));
  if (extra.length > 0) {
    return `Unexpected field(s) ${extra.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}: the CoCalc account and project come from the server.`;
  }
  const problem = projectPathProblem(value.path);
  if (problem) return `"path" ${problem}.`;
  if (value.project !== undefined && (typeof value.project !== 'string' || !PROJECT_NAME_PATTERN.test(value.project))) {
    return '"project" must be 1–64 letters, digits, ".", "_" or "-".';
  }
  return { path: value.path as string, project: value.project as string | undefined };
}

function upstreamFailure(c: Context, error: unknown, logger: Logger, refusals: RefusalSummary, userId: string): Response {
  if (!(error instanceof UpstreamError)) {
    logger.error('mint failed', { userId, error });
    return fail(c, 500, 'INTERNAL', 'Internal error.');
  }
  // We did not even call CoCalc (breaker open, queue full): counted, not logged one by one.
  if (error.kind === 'unavailable') refusals.record(error.message);
  else logger.warn('upstream failure', {
    userId,
    endpoint: error.endpoint,
    kind: error.kind,
    status: error.status,
    upstreamMessage: error.upstreamMessage,
  });
  switch (error.kind) {
    case 'timeout':
      return fail(c, 504, 'UPSTREAM_TIMEOUT', 'CoCalc did not answer in time.');
    case 'network':
      return fail(c, 503, 'UPSTREAM_UNAVAILABLE', 'CoCalc could not be reached.', { 'retry-after': '5' });
    case 'unavailable':
      return fail(c, 503, 'UPSTREAM_UNAVAILABLE', 'CoCalc is unavailable; try again later.', {
        'retry-after': String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000))),
      });
    default:
      return fail(c, 502, 'UPSTREAM_ERROR', 'CoCalc answered with an error.');
  }
}

function fail(c: Context, status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): Response {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json({ error: { code, message } }, status as 400);
}

/** The socket peer's address under `@hono/node-server`, if there is one. */
function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; server?: { incoming?: { socket?: { remoteAddress?: string } } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.server?.incoming?.socket?.remoteAddress;
}

/**
 * The client address for per-IP limits: the host's own `clientAddress` when given, else the
 * socket peer, or what a trusted proxy says in `X-Forwarded-For` (never what a client says).
 */
function clientIp(c: Context, proxies: TrustedProxies, custom?: (r: Request) => string | undefined): string {
  const fromCustom = custom?.(c.req.raw);
  if (fromCustom) return fromCustom;
  const peer = peerAddress(c);
  return peer ? proxies.clientAddress(peer, c.req.header('x-forwarded-for')) : 'unknown';
}

/** Whether the browser reached us over https: the URL, or `X-Forwarded-Proto` from a trusted proxy. */
function isHttps(c: Context, proxies: TrustedProxies): boolean {
  if (proxies.trusts(peerAddress(c))) {
    const proto = (c.req.header('x-forwarded-proto') ?? '').split(',').pop()?.trim().toLowerCase();
    if (proto) return proto === 'https';
  }
  return new URL(c.req.url).protocol === 'https:';
}

/** This request's own origin as the browser sees it: scheme (see {@link isHttps}) and `Host`. */
function requestOrigin(c: Context, proxies: TrustedProxies): string {
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  try {
    return new URL(`${isHttps(c, proxies) ? 'https' : 'http'}://${host}`).origin; // normalises case and default ports
  } catch {
    return 'null';
  }
}
