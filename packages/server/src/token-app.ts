import { PROJECT_NAME_PATTERN, isAuthToken, isPlainObject, projectPathProblem } from '@cocalc-embed/protocol';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { apiFailure } from './api-failure.js';
import { openStore } from './create-store.js';
import { createDemoAuth, type Authenticate } from './demo-auth.js';
import type { EmbedStore } from './embed-store.js';
import type { ServerConfig } from './load-config.js';
import { silentLogger, type Logger } from './logger.js';
import { RefusalSummary } from './refusal-summary.js';
import { RequestAddress } from './request-address.js';
import { routeGuards } from './route-guards.js';
import { ProjectRefusedError } from './project-refused-error.js';
import { ClientGoneError, TokenService } from './token-service.js';
import { TrustedProxies } from './trusted-proxies.js';
import { UpstreamError } from './upstream-error.js';

/** Options of {@link createTokenApp}. */
export interface TokenAppOptions {
  /** Validated configuration ({@link loadConfig}). */
  config: ServerConfig;
  /**
   * The store; default the SQLite file in `config.dataDir`, opened as `createStore(config)` would.
   * With `COCALC_EMBED_DATABASE_URL` set, pass the store `createStore(config)` resolves (its schema
   * check is asynchronous), or use `startServer`, which does.
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
 * foreign origins cannot read anything (docs/threat-model.md#csrf).
 */
export function createTokenApp(options: TokenAppOptions): TokenApp {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  if (options.store === undefined && config.databaseUrl) {
    throw new Error('COCALC_EMBED_DATABASE_URL is set: pass the store createStore(config) resolves, or use startServer');
  }
  const ownsStore = options.store === undefined || options.ownStore === true;
  const store = options.store ?? openStore(config, logger);
  const service = new TokenService({ config, store, logger, fetch: options.fetch, now: options.now });
  service.firstProjects.start();
  const demo = config.demoAuth ? createDemoAuth({ secret: config.sessionSecret, users: config.demoUsers, now: options.now }) : undefined;
  const authenticate: Authenticate = options.authenticate ?? demo?.authenticate ?? (async () => null);
  // Limits live in the store, so instances sharing a database share them too.
  const userLimit = store.rateLimit('user', { perMinute: config.rateUserPerMinute, burst: config.rateUserBurst, now: options.now });
  const ipLimit = store.rateLimit('ip', { perMinute: config.rateIpPerMinute, burst: config.rateIpBurst, now: options.now });
  const loginIpLimit = store.rateLimit('login-ip', { perMinute: config.rateIpPerMinute, burst: config.rateIpBurst, now: options.now });

  const address = new RequestAddress(new TrustedProxies(config.trustedProxies), options.clientAddress);
  const guards = routeGuards({ allowSameSite: config.allowSameSite, address, authenticate, logger });
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
      // Never let a CORS header through, whatever a handler or proxy did (docs/threat-model.md#csrf).
      c.res.headers.delete('access-control-allow-origin');
      c.res.headers.delete('access-control-allow-credentials');
    }
  });

  // While draining, only health checks are answered normally: a load balancer keeps seeing
  // /readyz say 503 "draining" (not "connection refused") until in-flight requests are done.
  app.use('*', async (c, next) => {
    if (draining && !HEALTH_PATHS.has(c.req.path)) {
      return apiFailure(c, 503, 'SHUTTING_DOWN', 'The server is shutting down; retry on another instance.', { 'retry-after': '1', connection: 'close' });
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
      onError: (c) => apiFailure(c, 413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes.`, { connection: 'close' }),
    }),
  );

  // Browsers without Fetch Metadata (no Sec-Fetch-Site) still send Origin on cross-origin
  // requests: a foreign one is refused on every route, as Sec-Fetch-Site: cross-site is.
  app.use('*', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && c.req.header('sec-fetch-site') === undefined && !HEALTH_PATHS.has(c.req.path)) {
      if (origin !== address.origin(c) && !allowedOrigins.has(origin)) return apiFailure(c, 403, 'FORBIDDEN', 'Requests from other origins are refused.');
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

  // Every state-changing route runs the same guards in the same order (see RouteGuards).
  app.all(
    '/api/cocalc/token',
    guards.postOnly(),
    guards.limitByIp(ipLimit, 'Too many token requests from this address.'),
    guards.signedIn,
    guards.limitByUser(userLimit, 'Too many token requests for this user.'),
    guards.jsonBody,
    async (c) => {
      const userId = c.get('userId');
      const request = validateTokenRequest(c.get('body'));
      if (typeof request === 'string') return apiFailure(c, 400, 'BAD_REQUEST', request);

      const started = Date.now();
      const signal = c.req.raw.signal;
      const onGone = () => logger.debug('client closed the connection before the answer', { userId });
      signal.addEventListener('abort', onGone, { once: true });
      try {
        const answer = await service.mint(userId, request.path, request.project, { signal });
        if ('status' in answer) {
          // First visit still provisioning: come back later; the work goes on in the background.
          c.header('retry-after', String(answer.retryAfter));
          return c.json(answer, 202);
        }
        logger.info('minted token', { userId, projectId: answer.projectId, ms: Date.now() - started });
        return c.json(answer, 200);
      } catch (error) {
        if (error instanceof ClientGoneError) {
          logger.info('client went away before its token was delivered', { userId });
          return c.body(null, 499 as 200); // nobody reads it; the socket is gone
        }
        if (error instanceof ProjectRefusedError) {
          logger.warn('project refused', { userId, code: error.code });
          return apiFailure(c, 403, error.code, error.message);
        }
        return upstreamFailure(c, error, logger, refusals, userId);
      } finally {
        signal.removeEventListener('abort', onGone);
      }
    },
  );

  // After the element has signed in with a token it asks for it to be revoked, so the 12–24 h
  // bearer secret dies minutes after it was made (docs/threat-model.md#token-in-the-url, #goal-token-lifetime). Only the user it was
  // minted for can revoke it, so revocations are bounded by mints; the IP limit still applies.
  app.all(
    '/api/cocalc/token/revoke',
    guards.postOnly(),
    guards.limitByIp(ipLimit, 'Too many requests from this address.'),
    guards.signedIn,
    guards.jsonBody,
    async (c) => {
      const userId = c.get('userId');
      const value = c.get('body');
      if (!isPlainObject(value) || Object.keys(value).length !== 1 || !isAuthToken(value.token)) {
        return apiFailure(c, 400, 'BAD_REQUEST', 'The body must be {token} with a 24-character CoCalc auth token.');
      }
      try {
        const revoked = await service.revoke(userId, value.token);
        logger.info('token revoke', { userId, revoked });
        return c.json({ revoked }, 200);
      } catch (error) {
        return upstreamFailure(c, error, logger, refusals, userId);
      }
    },
  );

  if (demo) {
    // Sign-ins get an IP bucket of their own (same setting): signing in must not eat the mint budget.
    app.all('/api/demo/login', guards.postOnly(), guards.limitByIp(loginIpLimit, 'Too many sign-ins from this address.'), guards.jsonBody, (c) => {
      const body = c.get('body');
      const user = isPlainObject(body) ? body.user : undefined;
      if (!demo.isAllowed(user)) return apiFailure(c, 400, 'BAD_REQUEST', `Unknown demo user; try one of: ${config.demoUsers.join(', ')}.`);
      c.header('set-cookie', demo.loginCookie(user, address.isHttps(c)));
      return c.json({ user });
    });
    app.get('/api/demo/whoami', async (c) => c.json({ user: (await demo.authenticate(c.req.raw))?.userId ?? null }));
    app.all('/api/demo/logout', guards.postOnly({ json: false }), (c) => {
      c.header('set-cookie', demo.logoutCookie(address.isHttps(c)));
      return c.json({ user: null });
    });
  }

  app.notFound((c) => apiFailure(c, 404, 'NOT_FOUND', 'No such endpoint.'));
  app.onError((error, c) => {
    logger.error('unhandled error', { error });
    return apiFailure(c, 500, 'INTERNAL', 'Internal error.');
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
 * Accepts exactly `{path, project?}`. Anything naming a CoCalc account or project (account_id,
 * user_account_id, email, projectId…) or any other field is refused: the account comes only
 * from the server-side mapping (docs/threat-model.md#confused-deputy).
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
    return apiFailure(c, 500, 'INTERNAL', 'Internal error.');
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
      return apiFailure(c, 504, 'UPSTREAM_TIMEOUT', 'CoCalc did not answer in time.');
    case 'network':
      return apiFailure(c, 503, 'UPSTREAM_UNAVAILABLE', 'CoCalc could not be reached.', { 'retry-after': '5' });
    case 'unavailable':
      return apiFailure(c, 503, 'UPSTREAM_UNAVAILABLE', 'CoCalc is unavailable; try again later.', {
        'retry-after': String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000))),
      });
    default:
      return apiFailure(c, 502, 'UPSTREAM_ERROR', 'CoCalc answered with an error.');
  }
}
