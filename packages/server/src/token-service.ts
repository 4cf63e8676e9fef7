import { createHash } from 'node:crypto';
import type { SignInEra, TokenResponse } from '@cocalc-embed/protocol';
import { CircuitBreaker } from './circuit-breaker.js';
import type { ApiGeneration, CocalcApi } from './cocalc-api.js';
import { CocalcModernClient } from './cocalc-modern-client.js';
import { CocalcV1Client } from './cocalc-v1-client.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { detectApiGeneration } from './detect-api-generation.js';
import type { AccountRecord, EmbedStore, ProjectRecord } from './embed-store.js';
import type { ServerConfig } from './load-config.js';
import { silentLogger, type Logger } from './logger.js';
import { Provisioner } from './provisioner.js';
import { SingleFlight } from './single-flight.js';
import { grantSeconds, TOKEN_TTL_SECONDS } from './sign-in-lifetime.js';
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
  private readonly config: ServerConfig;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly mintFlight = new SingleFlight<Mint>();
  /** Fully provisioned (account, project) per user and project key: the mapping never changes once made. */
  private readonly provisioned = new Map<string, { account: AccountRecord; project: ProjectRecord }>();
  /**
   * Tokens handed out and not yet revoked, by SHA-256 digest (never the token itself), with their
   * user: only the user a token was minted for may revoke it. Bounded; the oldest go first.
   */
  private readonly minted = new Map<string, { userId: string; expiresAtMs: number }>();
  private apiPromise: Promise<CocalcApi> | undefined;
  private generation: ApiGeneration | undefined;

  constructor(options: TokenServiceOptions) {
    this.config = options.config;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
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
    this.provisioner = new Provisioner({
      api: () => this.api(),
      store: options.store,
      site: this.config.cocalcUrl,
      template: templateOf(this.config),
      emailDomain: this.config.emailDomain,
      startTtlMs: this.config.projectStartTtlSeconds * 1000,
      logger: this.logger,
      now: this.now,
    });
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
    const api = await this.api();
    return api.generation === 'v1' ? 'url' : 'impersonate';
  }

  /** The generation in use, once known. */
  get apiGeneration(): ApiGeneration | undefined {
    return this.generation;
  }

  /** Which stored project a request maps to (see README "Projects"). */
  projectKey(path: string, project: string | undefined): string {
    const name = project ?? 'default';
    return this.config.projectMode === 'per-notebook' ? `${name}:${path}` : name;
  }

  /**
   * Provisions (first time only), starts the project if it may be idle, and mints a token for the
   * mapped account. Concurrent calls for the same user and project share one upstream mint.
   */
  async mint(userId: string, path: string, project: string | undefined): Promise<TokenResponse> {
    const projectKey = this.projectKey(path, project);
    const [mint, signIn] = await Promise.all([
      this.mintFlight.run(`${userId}\u0000${projectKey}`, () => this.mintUpstream(userId, projectKey)),
      this.signInEra(),
    ]).catch((error: unknown) => {
      this.forgetApiIfGone(error);
      throw error;
    });
    const now = this.now();
    // Revocation matters as long as CoCalc accepts the token; renewal follows the session it gives.
    this.remember(mint.token, userId, mint.tokenExpiresAtMs);
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
   * (security-reference F5, G6: a token is a 12–24 h bearer secret CoCalc does not consume on use).
   * Resolves `false` for a token that is unknown, another user's, expired, or when the CoCalc API
   * has no revocation (v1).
   */
  async revoke(userId: string, token: string): Promise<boolean> {
    const digest = tokenDigest(token);
    const entry = this.minted.get(digest);
    if (!entry || entry.userId !== userId || entry.expiresAtMs <= this.now()) return false;
    const api = await this.api();
    const revoked = await api.revokeAuthToken(token).catch((error: unknown) => {
      this.forgetApiIfGone(error);
      throw error;
    });
    if (revoked) this.minted.delete(digest);
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

  private remember(token: string, userId: string, expiresAtMs: number): void {
    const digest = tokenDigest(token);
    this.minted.delete(digest); // re-insert as newest (single flight hands one token to many)
    if (this.minted.size >= 100_000) this.minted.delete(this.minted.keys().next().value as string);
    this.minted.set(digest, { userId, expiresAtMs });
  }

  private async mintUpstream(userId: string, projectKey: string): Promise<Mint> {
    const api = await this.api();
    const key = `${userId}\u0000${projectKey}`;
    let known = this.provisioned.get(key);
    if (!known) {
      const account = await this.provisioner.ensureAccount(userId);
      known = { account, project: await this.provisioner.ensureProject(account, projectKey) };
      if (this.provisioned.size >= 50_000) this.provisioned.delete(this.provisioned.keys().next().value as string);
      this.provisioned.set(key, known);
    }
    const { account, project } = known;
    const password = this.config.userAuth === 'admin' ? '' : account.password;
    const startedBefore = this.now();
    // Start and mint in parallel: the token is only handed out if the start worked too.
    const [token] = await Promise.all([api.mintAuthToken(account.accountId, password), this.provisioner.ensureStarted(project)]);
    const ttl = this.config.tokenTtlSeconds ?? TOKEN_TTL_SECONDS[api.generation];
    // Count the lifetime from before the call: CoCalc set its expiry no earlier than that.
    return { token, mintedAtMs: startedBefore, tokenExpiresAtMs: startedBefore + ttl * 1000, projectId: project.projectId };
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
