import { randomBytes } from 'node:crypto';
import type { CocalcApi } from './cocalc-api.js';
import type { AccountRecord, EmbedStore, ProjectRecord } from './embed-store.js';
import type { FirstProjectCleaner } from './first-project-cleaner.js';
import { silentLogger, type Logger } from './logger.js';
import { ProjectRefusedError } from './project-refused-error.js';
import { SingleFlight } from './single-flight.js';
import type { TemplateSource } from './template-source.js';
import { UpstreamError } from './upstream-error.js';

/** A user's account and project, ready for tokens. */
export interface Provisioned {
  readonly account: AccountRecord;
  readonly project: ProjectRecord;
}

/** Completed mappings kept in memory; past this many the oldest is dropped (and read again from the store). */
const MAX_REMEMBERED = 50_000;

/** Options of {@link Provisioner}. */
export interface ProvisionerOptions {
  /** The CoCalc API (resolved lazily: detection may still be pending). */
  api: () => Promise<CocalcApi>;
  store: EmbedStore;
  /** Normalised CoCalc URL, the mapping's namespace. */
  site: string;
  template: TemplateSource;
  /** Domain of generated e-mail addresses; default `users.cocalc-embed.invalid`. */
  emailDomain?: string;
  /** A started project is not started again within this window; default 10 min. */
  startTtlMs?: number;
  /** Projects one user may have made (records and intents); default 10. */
  maxProjectsPerUser?: number;
  /** Cleans up the project CoCalc makes at sign-up; none: leave it. */
  firstProjects?: FirstProjectCleaner;
  logger?: Logger;
  now?: () => number;
}

/**
 * Provisioning as the API guide's "Using the API in an Iframe" describes it: one CoCalc account
 * per site user (random strong password, stored), projects created with the admin key and shared
 * with that account, the project started while the template is copied in. What is about to be
 * created is recorded BEFORE CoCalc is asked (the generated e-mail and password; the project's
 * unique title), and every step as it completes, so a crash at any point resumes where it stopped
 * and finds what CoCalc already made: a second call creates nothing.
 */
export class Provisioner {
  private readonly provisionFlight = new SingleFlight<Provisioned>();
  /** Fully provisioned (account, project) per user and project key: the mapping never changes once made. */
  private readonly provisioned = new Map<string, Provisioned>();
  private readonly accountFlight = new SingleFlight<AccountRecord>();
  private readonly projectFlight = new SingleFlight<ProjectRecord>();
  private readonly startFlight = new SingleFlight<void>();
  /** Last successful start per project, in memory: spares a store read on the hot path. */
  private readonly lastStarted = new Map<string, number>();
  private readonly emailDomain: string;
  private readonly startTtlMs: number;
  private readonly maxProjects: number;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly options: ProvisionerOptions) {
    this.emailDomain = options.emailDomain ?? 'users.cocalc-embed.invalid';
    this.startTtlMs = options.startTtlMs ?? 10 * 60_000;
    this.maxProjects = options.maxProjectsPerUser ?? 10;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /**
   * The user's account, creating it on first use. The e-mail and password are recorded first; a
   * retry (after a crash, or CoCalc failing) sends the same ones, and CoCalc's answer then names
   * the account the earlier attempt made (see `CocalcApi.createAccount`).
   */
  ensureAccount(userId: string): Promise<AccountRecord> {
    return this.accountFlight.run(userId, async () => {
      const { store, site } = this.options;
      const known = await store.getAccount(site, userId);
      if (known) return known;
      // Across instances: one creates, the others wait here and then read what it made. Without
      // this, a second instance would find the first one's intent and send the same sign-up while
      // the first is still waiting for CoCalc's answer.
      return store.exclusive(JSON.stringify(['account', site, userId]), () => this.createAccount(userId));
    });
  }

  private async createAccount(userId: string): Promise<AccountRecord> {
    const { store, site } = this.options;
    const existing = await store.getAccount(site, userId);
    if (existing) return existing;
    const intent = await store.putAccountIntent({
      site,
      userId,
      email: `${slug(userId)}-${randomBytes(6).toString('hex')}@${this.emailDomain}`,
      password: randomBytes(24).toString('base64url'),
      createdAt: this.now(),
    });
    this.logger.addSecret(intent.password);
    const api = await this.options.api();
    const accountId = await api.createAccount({ firstName: 'Embed', lastName: userId.slice(0, 40), email: intent.email, password: intent.password });
    this.logger.info('created CoCalc account', { userId, accountId });
    const account = await store.putAccount({ site, userId, accountId, password: intent.password, email: intent.email, createdAt: this.now() });
    await this.options.firstProjects?.schedule(account);
    return account;
  }

  /**
   * The user's project `projectKey`, created, shared, started and seeded on first use. The project
   * is first recorded as an intent with a unique title; a retry looks that title up in the API
   * key's projects before it creates anything. A new project counts against the user's cap.
   */
  ensureProject(account: AccountRecord, projectKey: string): Promise<ProjectRecord> {
    return this.projectFlight.run(`${account.userId}\u0000${projectKey}`, async () => {
      const { store, site } = this.options;
      const known = await store.getProject(site, account.userId, projectKey);
      if (known?.seededAt != null) return known;
      // Across instances, as for accounts: one creates, shares, starts and seeds; the others wait.
      return store.exclusive(JSON.stringify(['project', site, account.userId, projectKey]), () => this.createProject(account, projectKey));
    });
  }

  private async createProject(account: AccountRecord, projectKey: string): Promise<ProjectRecord> {
    const { store, site } = this.options;
    let project = await store.getProject(site, account.userId, projectKey);
    const api = await this.options.api();
    if (!project) {
      let intent = await store.getProjectIntent(site, account.userId, projectKey);
      let projectId: string | undefined;
      if (intent) {
        // An earlier attempt got this far: did CoCalc create the project before we lost track?
        const title = intent.title;
        projectId = (await api.listProjects({ limit: 200 })).find((p) => p.title === title)?.projectId;
        if (projectId) this.logger.info('found the project an earlier attempt created', { userId: account.userId, projectKey, projectId });
      } else {
        intent = await store.putProjectIntent(
          { site, userId: account.userId, projectKey, title: `${projectKey} (${account.userId}) [${randomBytes(6).toString('hex')}]`, createdAt: this.now() },
          this.maxProjects,
        );
        if (!intent) {
          throw new ProjectRefusedError('PROJECT_LIMIT', `This user already has ${this.maxProjects} projects, the most this site allows.`);
        }
      }
      projectId ??= await api.createProject(intent.title, 'Created by cocalc-embed');
      // Record before sharing: if add_collaborator fails, the retry reuses this project.
      project = await store.putProject({
        site,
        userId: account.userId,
        projectKey,
        projectId,
        seededAt: null,
        startedAt: null,
        createdAt: this.now(),
      });
      this.logger.info('created CoCalc project', { userId: account.userId, projectKey, projectId });
    }
    if (project.seededAt === null) {
      const created = project;
      // Start first and seed meanwhile: on a real CoCalc the start is the slow part, and a file
      // write to a stopped project would start it anyway, one write at a time.
      await Promise.all([
        this.ensureStarted(created, true),
        (async () => {
          await api.addCollaborator(created.projectId, account.accountId);
          await this.seed(api, created.projectId);
        })(),
      ]);
      const at = this.now();
      await store.markSeeded(site, account.userId, projectKey, at);
      project = { ...created, seededAt: at, startedAt: this.lastStarted.get(created.projectId) ?? created.startedAt };
    }
    return project;
  }

  /**
   * Starts the project unless it was started within the start window (CoCalc idles projects out;
   * starting a running one is cheap but still an upstream call we can skip on hot paths).
   */
  ensureStarted(project: ProjectRecord, force = false): Promise<void> {
    const startedAt = Math.max(project.startedAt ?? 0, this.lastStarted.get(project.projectId) ?? 0);
    if (!force && startedAt > 0 && this.now() - startedAt < this.startTtlMs) return Promise.resolve();
    return this.startFlight.run(project.projectId, async () => {
      const api = await this.options.api();
      try {
        await api.startProject(project.projectId);
      } catch (error) {
        // A start longer than the upstream timeout is still a start: CoCalc goes on with it after
        // we stopped waiting. Not recorded as started, so the next visit sends it again.
        if (error instanceof UpstreamError && error.kind === 'timeout') {
          this.logger.warn('project start still in progress after the upstream timeout', { projectId: project.projectId });
          return;
        }
        throw error;
      }
      const at = this.now();
      this.lastStarted.set(project.projectId, at);
      // A note for later visits, not a condition of this one: a store that cannot take it (the
      // database briefly unreachable) costs at most one extra start.
      await this.options.store.markStarted(this.options.site, project.userId, project.projectKey, at).catch((error: unknown) => {
        this.logger.warn('could not record a project start', { projectId: project.projectId, error: error instanceof Error ? error.message : 'unknown' });
      });
    });
  }

  /**
   * Account + project (started and seeded): what a token needs before it is minted. The one way in
   * for the token endpoint and the `provision` command alike. Concurrent calls for the same user
   * and project share one run; a completed mapping is answered from memory afterwards.
   */
  provision(userId: string, projectKey: string): Promise<Provisioned> {
    const key = `${userId}\u0000${projectKey}`;
    const known = this.provisioned.get(key);
    if (known) return Promise.resolve(known);
    return this.provisionFlight.run(key, async () => {
      const account = await this.ensureAccount(userId);
      const done = { account, project: await this.ensureProject(account, projectKey) };
      if (this.provisioned.size >= MAX_REMEMBERED) this.provisioned.delete(this.provisioned.keys().next().value as string);
      this.provisioned.set(key, done);
      return done;
    });
  }

  private async seed(api: CocalcApi, projectId: string): Promise<void> {
    const { template } = this.options;
    if (template.kind === 'folder') {
      for (const file of template.files) await api.writeTextFile(projectId, file.path, file.content);
    } else if (template.kind === 'project') {
      for (const path of template.paths) {
        await api.copyPath({ srcProjectId: template.projectId, srcPath: path, targetProjectId: projectId, targetPath: path });
      }
    }
  }
}

function slug(userId: string): string {
  return userId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30) || 'user';
}
