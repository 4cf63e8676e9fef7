import { createHash } from 'node:crypto';
import { MAX_PROVISIONING_RETRY_AFTER, type ProvisioningResponse, type SignInEra, type TokenResponse } from '@cocalc-embed/protocol';
import { CircuitBreaker } from './circuit-breaker.js';
import type { ApiGeneration, CocalcApi } from './cocalc-api.js';
import { CocalcModernClient } from './cocalc-modern-client.js';
import { CocalcV1Client } from './cocalc-v1-client.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { detectApiGeneration } from './detect-api-generation.js';
import type { EmbedStore } from './embed-store.js';
import { FirstProjectCleaner } from './first-project-cleaner.js';
import type { ServerConfig } from './load-config.js';
import { silentLogger, type Logger } from './logger.js';
import { ProjectRefusedError } from './project-refused-error.js';
import { Provisioner, type Provisioned } from './provisioner.js';
import { SingleFlight } from './single-flight.js';
import { DEFAULT_SIGN_IN_ERA, grantSeconds, TOKEN_TTL_SECONDS } from './sign-in-lifetime.js';
import { readTemplateFolder, type TemplateSource } from './template-source.js';
import { UpstreamError } from './upstream-error.js';
import { UpstreamTransport } from './upstream-transport.js';

/** Options of {@link TokenService}. */
export interface TokenServiceOptions {
  config: ServerConfig;
  store: EmbedStore;
  logger?: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

/** What one upstream mint produced; shared by every request that joined the same flight. */
interface Mint {
  readonly token: string;
  /** When the upstream call began: CoCalc set the token's expiry no earlier than that. */
  readonly mintedAtMs: number;
  /** When CoCalc stops accepting the token itself (not the session it gives: see grantSeconds). */
  readonly tokenExpiresAtMs: number;
  readonly projectId: string;
}

/** Requests sharing one mint flight: the token is revoked only if none of them got it. */
interface MintShares {
  joined: number;
  gone: number;
  delivered: number;
}

/** How often expired token digests are removed from the store. */
const TOKEN_PRUNE_INTERVAL_MS = 10 * 60_000;

/** Seconds a 202 "provisioning" answer asks the browser to wait before asking again. */
export const PROVISIONING_RETRY_AFTER_SECONDS = 2;

/**
 * Thrown by {@link TokenService.mint} when the request's client went away before the token could
 * be handed over: nothing was minted, or what was minted has been revoked where CoCalc allows.
 */
export class ClientGoneError extends Error {
  constructor() {
    super('the client went away before the token was delivered');
    this.name = 'ClientGoneError';
  }
}

/** Options of {@link TokenService.mint}. */
export interface MintOptions {
  /** Aborts when the client has gone (socket closed): no token is minted or delivered then. */
  signal?: AbortSignal;
}

/**
 * The backend's core, independent of HTTP: picks the CoCalc API (configured or detected, then
 * cached), provisions the user's account and project, starts the project and mints a token, with
 * one upstream mint per (user, project) at a time.
 */
export class TokenService {
  /** Shared upstream transport (breaker, timeout, concurrency cap). */
  readonly transport: UpstreamTransport;
  /** Provisioning steps, also used by the CLI. */
  readonly provisioner: Provisioner;
  /** Stops or deletes the project CoCalc makes at each sign-up (`COCALC_EMBED_FIRST_PROJECT`). */
  readonly firstProjects: FirstProjectCleaner;
  private readonly config: ServerConfig;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly mintFlight = new SingleFlight<Mint>();
  private readonly mintShares = new Map<string, MintShares>();
  /**
   * Tokens handed out and not yet revoked are recorded in the store, by SHA-256 digest (never the
   * token itself) with their user: only the user a token was minted for may revoke it, and any
   * instance sharing the store can. Expired ones are pruned on this timer.
   */
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly store: EmbedStore;
  /** Provisioning flights that answered 202 and so have no request left to log their failure. */
  private readonly unattended = new Set<Promise<Provisioned>>();
  private apiPromise: Promise<CocalcApi> | undefined;
  /** The generation in use, once known: named in the log line when it is forgotten. */
  private generation: ApiGeneration | undefined;

  constructor(options: TokenServiceOptions) {
    this.config = options.config;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.store = options.store;
    this.pruneTimer = setInterval(() => {
      this.store.pruneTokens(this.now()).catch((error: unknown) => {
        this.logger.warn('could not prune expired token digests', { error: error instanceof Error ? error.message : 'unknown' });
      });
    }, TOKEN_PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
    this.transport = new UpstreamTransport({
      cocalcUrl: this.config.apiUrl,
      apiKey: this.config.apiKey,
      auth: this.config.apiKeyAuth,
      timeoutMs: this.config.upstreamTimeoutMs,
      breaker: new CircuitBreaker({ threshold: this.config.breakerThreshold, cooldownMs: this.config.breakerCooldownMs, maxCooldownMs: this.config.breakerMaxCooldownMs }),
      limiter: new ConcurrencyLimiter(this.config.upstreamMaxConcurrency, this.config.upstreamMaxQueue),
      fetch: options.fetch,
      logger: this.logger,
    });
    this.firstProjects = new FirstProjectCleaner({
      api: () => this.api(),
      store: options.store,
      site: this.config.cocalcUrl,
      mode: this.config.firstProject,
      logger: this.logger,
      now: this.now,
    });
    this.provisioner = new Provisioner({
      api: () => this.api(),
      store: options.store,
      site: this.config.cocalcUrl,
      template: templateOf(this.config),
      emailDomain: this.config.emailDomain,
      startTtlMs: this.config.projectStartTtlSeconds * 1000,
      maxProjectsPerUser: this.config.maxProjectsPerUser,
      firstProjects: this.firstProjects,
      logger: this.logger,
      now: this.now,
    });
  }

  /** Stops background timers (the first-project clean-up); recorded jobs resume in the next process. */
  close(): void {
    this.firstProjects.close();
    clearInterval(this.pruneTimer);
  }

  /**
   * The CoCalc API client: the configured generation, or the detected one. Detection is cached
   * for the life of the process once it succeeds; a failed detection is forgotten so the next
   * request tries again, and so is a success once CoCalc answers 404 on a route the client relies
   * on (the server was upgraded or replaced: see {@link forgetApiIfGone}).
   */
  api(): Promise<CocalcApi> {
    if (!this.apiPromise) {
      this.apiPromise = (async () => {
        const generation = this.config.api === 'auto' ? await detectApiGeneration(this.transport) : this.config.api;
        if (this.config.api === 'auto') this.logger.info('detected CoCalc API', { generation });
        this.generation = generation;
        return generation === 'v1'
          ? new CocalcV1Client(this.transport, { form: this.config.v1Form })
          : new CocalcModernClient(this.transport);
      })();
      this.apiPromise.catch(() => {
        this.apiPromise = undefined;
      });
    }
    return this.apiPromise;
  }

  /** The sign-in era the element must use: configured, or v1 ⇒ `url`, modern ⇒ `impersonate`. */
  async signInEra(): Promise<SignInEra> {
    if (this.config.signIn !== 'auto') return this.config.signIn;
    return DEFAULT_SIGN_IN_ERA[(await this.api()).generation];
  }

  /** Which stored project a request maps to (see README "Projects"). */
  projectKey(path: string, project: string | undefined): string {
    const name = project ?? 'default';
    return this.config.projectMode === 'per-notebook' ? `${name}:${path}` : name;
  }

  /**
   * Provisions (first time only), starts the project if it may be idle, and mints a token for the
   * mapped account. Concurrent calls for the same user and project share one upstream mint.
   *
   * A first visit's provisioning runs in the background; when it has not finished within
   * `COCALC_EMBED_PROVISION_WAIT_MS` this resolves a {@link ProvisioningResponse} (HTTP 202) and the
   * next request joins the same provisioning. A token is only minted once provisioning is done and
   * the client is still there; if the client went away meanwhile, the token is revoked (where
   * CoCalc can) and {@link ClientGoneError} is thrown.
   */
  async mint(userId: string, path: string, project: string | undefined, options: MintOptions = {}): Promise<TokenResponse | ProvisioningResponse> {
    if (project !== undefined && this.config.projectNames && !this.config.projectNames.includes(project)) {
      throw new ProjectRefusedError('PROJECT_NOT_ALLOWED', 'This site does not offer a project of that name.');
    }
    const projectKey = this.projectKey(path, project);
    const key = `${userId}\u0000${projectKey}`;
    // First-visit provisioning runs in the background, not tied to the request that started it;
    // a provisioned user's mapping is answered from memory at once.
    const flight = this.provisioner.provision(userId, projectKey);
    // Whoever waits sees the error; a flight nobody waits for any more (after a 202) is logged here.
    // Also keeps a failure nobody awaits from becoming an unhandled rejection.
    flight.catch((error: unknown) => this.forgetApiIfGone(error));
    const settled = await settleWithin(flight, this.config.provisionWaitMs);
    if (!settled) {
      this.logger.info('still provisioning; answering 202', { userId, projectKey });
      // A request that waits for the flight logs its failure (token-app); one that got a 202 has
      // left, so the flight's failure is logged here, once however many 202s it gave.
      if (!this.unattended.has(flight)) {
        this.unattended.add(flight);
        flight
          .catch((error: unknown) => {
            if (!(error instanceof ProjectRefusedError)) this.logger.warn('provisioning failed', { userId, projectKey, error: describe(error) });
          })
          .finally(() => this.unattended.delete(flight));
      }
      return { status: 'provisioning', retryAfter: Math.min(PROVISIONING_RETRY_AFTER_SECONDS, MAX_PROVISIONING_RETRY_AFTER) };
    }
    if (options.signal?.aborted) throw new ClientGoneError(); // nobody to hand a token to: don't mint one
    const ready = settled.value;
    let shares = this.mintShares.get(key);
    if (!shares) this.mintShares.set(key, (shares = { joined: 0, gone: 0, delivered: 0 }));
    const mine = shares;
    mine.joined += 1;
    let mint: Mint;
    let signIn: SignInEra;
    try {
      [mint, signIn] = await Promise.all([
        this.mintFlight.run(key, async () => {
          try {
            return await this.mintUpstream(ready);
          } finally {
            if (this.mintShares.get(key) === mine) this.mintShares.delete(key);
          }
        }),
        this.signInEra(),
      ]);
    } catch (error) {
      mine.joined -= 1;
      this.forgetApiIfGone(error);
      throw error;
    }
    if (options.signal?.aborted) {
      mine.gone += 1;
      if (mine.delivered === 0 && mine.gone === mine.joined) await this.revokeUndelivered(userId, mint.token);
      throw new ClientGoneError();
    }
    mine.delivered += 1;
    const now = this.now();
    // Revocation matters as long as CoCalc accepts the token; renewal follows the session it gives.
    // Recorded before the answer, so a revoke reaching another instance right after finds it. A
    // store that cannot record it does not cost the visit: the token then just lives out its time.
    await this.store.rememberToken(tokenDigest(mint.token), { userId, expiresAt: mint.tokenExpiresAtMs }).catch((error: unknown) => {
      this.logger.warn('could not record a minted token for revocation', { userId, error: error instanceof Error ? error.message : 'unknown' });
    });
    const expiresAtMs = mint.mintedAtMs + grantSeconds((mint.tokenExpiresAtMs - mint.mintedAtMs) / 1000, signIn) * 1000;
    return {
      token: mint.token,
      expiresAt: new Date(expiresAtMs).toISOString(),
      expiresIn: Math.max(0, Math.floor((expiresAtMs - now) / 1000)),
      cocalcUrl: this.config.cocalcUrl,
      projectId: mint.projectId,
      path,
      signIn,
    };
  }

  /**
   * Revokes a token this backend minted for `userId`, once the element has signed in with it
   * (docs/threat-model.md#token-in-the-url, #goal-token-lifetime: a token is a 12–24 h bearer secret CoCalc does not consume on use).
   * Resolves `false` for a token that is unknown, another user's, expired, or when the CoCalc API
   * has no revocation (v1).
   */
  async revoke(userId: string, token: string): Promise<boolean> {
    const digest = tokenDigest(token);
    const entry = await this.store.findToken(digest);
    if (!entry || entry.userId !== userId || entry.expiresAt <= this.now()) return false;
    const api = await this.api();
    const revoked = await api.revokeAuthToken(token).catch((error: unknown) => {
      this.forgetApiIfGone(error);
      throw error;
    });
    if (revoked) await this.store.forgetToken(digest);
    return revoked;
  }

  /**
   * A detected generation is trusted until CoCalc answers HTTP 404 on one of its routes: the
   * clear sign that the server changed under us (v1 removed by an upgrade, a conat bridge gone by
   * a downgrade). The failing request still fails; the next one detects again. Every other
   * failure keeps the cached answer: a slow or broken server says nothing about its API.
   */
  private forgetApiIfGone(error: unknown): void {
    if (this.config.api !== 'auto' || !this.apiPromise) return;
    if (!(error instanceof UpstreamError) || error.kind !== 'http' || error.status !== 404) return;
    this.logger.warn('CoCalc answered 404 on an API route: detecting its API again', { endpoint: error.endpoint, generation: this.generation });
    this.apiPromise = undefined;
    this.generation = undefined;
  }

  /** A token minted for a client that went away: revoke it (impersonate era) so nobody holds it. */
  private async revokeUndelivered(userId: string, token: string): Promise<void> {
    try {
      const api = await this.api();
      const revoked = await api.revokeAuthToken(token);
      this.logger.info('client went away before the token was delivered', { userId, revoked });
    } catch (error) {
      this.logger.warn('could not revoke an undelivered token', { userId, kind: error instanceof Error ? error.name : 'unknown' });
    }
  }

  private async mintUpstream({ account, project }: Provisioned): Promise<Mint> {
    const api = await this.api();
    const password = this.config.userAuth === 'admin' ? '' : account.password;
    if (password) this.logger.addSecret(password);
    const startedBefore = this.now();
    // Start and mint in parallel: the token is only handed out if the start worked too (a start
    // that outlasts the upstream timeout counts as under way).
    const [token] = await Promise.all([api.mintAuthToken(account.accountId, password), this.provisioner.ensureStarted(project)]);
    const ttl = this.config.tokenTtlSeconds ?? TOKEN_TTL_SECONDS[api.generation];
    // Count the lifetime from before the call: CoCalc set its expiry no earlier than that.
    return { token, mintedAtMs: startedBefore, tokenExpiresAtMs: startedBefore + ttl * 1000, projectId: project.projectId };
  }
}

function describe(error: unknown): Record<string, unknown> | string {
  if (error instanceof UpstreamError) return { kind: error.kind, endpoint: error.endpoint, status: error.status };
  return error instanceof Error ? error.name : 'unknown';
}

/** Resolves `{value}` if `promise` settles within `ms`, `undefined` if not; rejects with its error. */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function templateOf(config: ServerConfig): TemplateSource {
  if (config.templateProjectId) return { kind: 'project', projectId: config.templateProjectId, paths: config.templatePaths };
  if (config.templateDir) return readTemplateFolder(config.templateDir);
  return { kind: 'none' };
}

function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
