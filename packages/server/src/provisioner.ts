import { randomBytes } from 'node:crypto';
import type { CocalcApi } from './cocalc-api.js';
import type { AccountRecord, EmbedStore, ProjectRecord } from './embed-store.js';
import { silentLogger, type Logger } from './logger.js';
import { SingleFlight } from './single-flight.js';
import type { TemplateSource } from './template-source.js';

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
  logger?: Logger;
  now?: () => number;
}

/**
 * Provisioning as the API guide's "Using the API in an Iframe" describes it: one CoCalc account
 * per site user (random strong password, stored), projects created with the admin key and shared
 * with that account, files seeded from the template, and the project started before a token is
 * handed out. Every step is recorded as it completes, so a crash or an upstream failure resumes
 * where it stopped, and a second call creates nothing.
 */
export class Provisioner {
  private readonly accountFlight = new SingleFlight<AccountRecord>();
  private readonly projectFlight = new SingleFlight<ProjectRecord>();
  private readonly startFlight = new SingleFlight<void>();
  /** Last successful start per project, in memory: spares a store read on the hot path. */
  private readonly lastStarted = new Map<string, number>();
  private readonly emailDomain: string;
  private readonly startTtlMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly options: ProvisionerOptions) {
    this.emailDomain = options.emailDomain ?? 'users.cocalc-embed.invalid';
    this.startTtlMs = options.startTtlMs ?? 10 * 60_000;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** The user's account, creating it on first use. */
  ensureAccount(userId: string): Promise<AccountRecord> {
    return this.accountFlight.run(userId, async () => {
      const { store, site } = this.options;
      const existing = await store.getAccount(site, userId);
      if (existing) return existing;
      const api = await this.options.api();
      const password = randomBytes(24).toString('base64url');
      const email = `${slug(userId)}-${randomBytes(4).toString('hex')}@${this.emailDomain}`;
      const accountId = await api.createAccount({ firstName: 'Embed', lastName: userId.slice(0, 40), email, password });
      this.logger.info('created CoCalc account', { userId, accountId });
      return store.putAccount({ site, userId, accountId, password, email, createdAt: this.now() });
    });
  }

  /** The user's project `projectKey`, created, shared and seeded on first use. */
  ensureProject(account: AccountRecord, projectKey: string): Promise<ProjectRecord> {
    return this.projectFlight.run(`${account.userId}\u0000${projectKey}`, async () => {
      const { store, site } = this.options;
      let project = await store.getProject(site, account.userId, projectKey);
      const api = await this.options.api();
      if (!project) {
        const projectId = await api.createProject(`${projectKey} (${account.userId})`, 'Created by cocalc-embed');
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
        await api.addCollaborator(project.projectId, account.accountId);
        await this.seed(api, project.projectId);
        const at = this.now();
        await store.markSeeded(site, account.userId, projectKey, at);
        project = { ...project, seededAt: at };
      }
      return project;
    });
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
      await api.startProject(project.projectId);
      const at = this.now();
      this.lastStarted.set(project.projectId, at);
      await this.options.store.markStarted(this.options.site, project.userId, project.projectKey, at);
    });
  }

  /** Account + project + started, in order: what the token endpoint needs before minting. */
  async provision(userId: string, projectKey: string): Promise<{ account: AccountRecord; project: ProjectRecord }> {
    const account = await this.ensureAccount(userId);
    const project = await this.ensureProject(account, projectKey);
    await this.ensureStarted(project);
    return { account, project };
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
