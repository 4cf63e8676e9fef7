import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AccountIntent,
  AccountRecord,
  EmbedStore,
  FirstProjectCleanup,
  FirstProjectState,
  MintedToken,
  ProjectIntent,
  ProjectRecord,
} from './embed-store.js';
import { KeyedMutex } from './keyed-mutex.js';
import { MIGRATIONS, schemaStatus, type SchemaStatus } from './migrations.js';
import { memoryRateLimit, type RateLimit } from './rate-limit.js';
import type { RateLimiterOptions } from './rate-limiter.js';

/** Default file name inside the data folder. */
export const SQLITE_FILE_NAME = 'cocalc-embed.sqlite';


/**
 * {@link EmbedStore} on a SQLite file (better-sqlite3, WAL): the embedded default, for ONE backend
 * instance (exclusive sections and rate limits live in this process). Created on first use with
 * mode 0600, because it holds the generated CoCalc passwords, and migrated when opened. Pass
 * `':memory:'` for a throw-away store.
 */
export class SqliteEmbedStore implements EmbedStore {
  readonly kind = 'sqlite' as const;
  /** The database file path (or `:memory:`). */
  readonly file: string;
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly sections = new KeyedMutex();

  /** Opens (creating if needed) `file`; use {@link SqliteEmbedStore.inDataDir} for the default name. */
  constructor(file: string) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    if (file !== ':memory:') {
      chmodSync(file, 0o600);
      this.db.pragma('journal_mode = WAL');
    }
    this.db.pragma('busy_timeout = 5000');
    // A file belongs to one instance: it is brought up to date whenever it is opened.
    this.migrateNow();
    this.stmts = {
      getAccount: this.db.prepare('SELECT * FROM accounts WHERE site = ? AND user_id = ?'),
      putAccount: this.db.prepare(
        'INSERT OR IGNORE INTO accounts (site, user_id, account_id, password, email, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getProject: this.db.prepare('SELECT * FROM projects WHERE site = ? AND user_id = ? AND project_key = ?'),
      putProject: this.db.prepare(
        'INSERT OR IGNORE INTO projects (site, user_id, project_key, project_id, seeded_at, started_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      seeded: this.db.prepare('UPDATE projects SET seeded_at = ? WHERE site = ? AND user_id = ? AND project_key = ?'),
      started: this.db.prepare('UPDATE projects SET started_at = ? WHERE site = ? AND user_id = ? AND project_key = ?'),
      getAccountIntent: this.db.prepare('SELECT * FROM account_intents WHERE site = ? AND user_id = ?'),
      putAccountIntent: this.db.prepare(
        'INSERT OR IGNORE INTO account_intents (site, user_id, email, password, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      getProjectIntent: this.db.prepare('SELECT * FROM project_intents WHERE site = ? AND user_id = ? AND project_key = ?'),
      putProjectIntent: this.db.prepare(
        'INSERT OR IGNORE INTO project_intents (site, user_id, project_key, title, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      countUserProjects: this.db.prepare(
        'SELECT COUNT(*) AS n FROM (SELECT project_key FROM projects WHERE site = ? AND user_id = ? UNION SELECT project_key FROM project_intents WHERE site = ? AND user_id = ?)',
      ),
      putFirstProject: this.db.prepare(
        'INSERT OR IGNORE INTO first_projects (site, user_id, account_id, state, attempts, next_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      updateFirstProject: this.db.prepare('UPDATE first_projects SET state = ?, attempts = ?, next_at = ? WHERE site = ? AND user_id = ?'),
      dueFirstProjects: this.db.prepare(
        "SELECT * FROM first_projects WHERE site = ? AND state IN ('pending', 'confirming') AND next_at <= ? ORDER BY next_at LIMIT ?",
      ),
      rememberToken: this.db.prepare(
        'INSERT INTO minted_tokens (digest, user_id, expires_at) VALUES (?, ?, ?) ON CONFLICT (digest) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at',
      ),
      findToken: this.db.prepare('SELECT user_id, expires_at FROM minted_tokens WHERE digest = ?'),
      forgetToken: this.db.prepare('DELETE FROM minted_tokens WHERE digest = ?'),
      pruneTokens: this.db.prepare('DELETE FROM minted_tokens WHERE expires_at <= ?'),
      counts: this.db.prepare('SELECT (SELECT COUNT(*) FROM accounts) AS accounts, (SELECT COUNT(*) FROM projects) AS projects'),
    };
  }

  /** Opens `<dataDir>/cocalc-embed.sqlite`. */
  static inDataDir(dataDir: string): SqliteEmbedStore {
    return new SqliteEmbedStore(join(dataDir, SQLITE_FILE_NAME));
  }

  async getAccount(site: string, userId: string): Promise<AccountRecord | undefined> {
    return toAccount(this.stmts.getAccount.get(site, userId));
  }

  async putAccount(r: AccountRecord): Promise<AccountRecord> {
    this.stmts.putAccount.run(r.site, r.userId, r.accountId, r.password, r.email, r.createdAt);
    return toAccount(this.stmts.getAccount.get(r.site, r.userId))!;
  }

  async getProject(site: string, userId: string, projectKey: string): Promise<ProjectRecord | undefined> {
    return toProject(this.stmts.getProject.get(site, userId, projectKey));
  }

  async putProject(r: ProjectRecord): Promise<ProjectRecord> {
    this.stmts.putProject.run(r.site, r.userId, r.projectKey, r.projectId, r.seededAt, r.startedAt, r.createdAt);
    return toProject(this.stmts.getProject.get(r.site, r.userId, r.projectKey))!;
  }

  async markSeeded(site: string, userId: string, projectKey: string, at: number): Promise<void> {
    this.stmts.seeded.run(at, site, userId, projectKey);
  }

  async markStarted(site: string, userId: string, projectKey: string, at: number): Promise<void> {
    this.stmts.started.run(at, site, userId, projectKey);
  }

  async getAccountIntent(site: string, userId: string): Promise<AccountIntent | undefined> {
    return toAccountIntent(this.stmts.getAccountIntent.get(site, userId));
  }

  async putAccountIntent(i: AccountIntent): Promise<AccountIntent> {
    this.stmts.putAccountIntent.run(i.site, i.userId, i.email, i.password, i.createdAt);
    return toAccountIntent(this.stmts.getAccountIntent.get(i.site, i.userId))!;
  }

  async getProjectIntent(site: string, userId: string, projectKey: string): Promise<ProjectIntent | undefined> {
    return toProjectIntent(this.stmts.getProjectIntent.get(site, userId, projectKey));
  }

  async putProjectIntent(i: ProjectIntent, maxProjects?: number): Promise<ProjectIntent | undefined> {
    // One transaction: two requests (or two backends) cannot both take the user's last slot.
    return this.db.transaction(() => {
      const existing = toProjectIntent(this.stmts.getProjectIntent.get(i.site, i.userId, i.projectKey));
      if (existing) return existing;
      const hasRecord = this.stmts.getProject.get(i.site, i.userId, i.projectKey) !== undefined;
      const count = Number((this.stmts.countUserProjects.get(i.site, i.userId, i.site, i.userId) as { n: number }).n);
      if (!hasRecord && maxProjects !== undefined && count >= maxProjects) return undefined;
      this.stmts.putProjectIntent.run(i.site, i.userId, i.projectKey, i.title, i.createdAt);
      return toProjectIntent(this.stmts.getProjectIntent.get(i.site, i.userId, i.projectKey));
    }).immediate();
  }

  async countUserProjects(site: string, userId: string): Promise<number> {
    return Number((this.stmts.countUserProjects.get(site, userId, site, userId) as { n: number }).n);
  }

  async putFirstProjectCleanup(r: FirstProjectCleanup): Promise<void> {
    this.stmts.putFirstProject.run(r.site, r.userId, r.accountId, r.state, r.attempts, r.nextAt);
  }

  async updateFirstProjectCleanup(site: string, userId: string, state: FirstProjectState, attempts: number, nextAt: number): Promise<void> {
    this.stmts.updateFirstProject.run(state, attempts, nextAt, site, userId);
  }

  async dueFirstProjectCleanups(site: string, now: number, limit: number): Promise<FirstProjectCleanup[]> {
    return (this.stmts.dueFirstProjects.all(site, now, limit) as Row[]).map((r) => ({
      site: String(r!.site),
      userId: String(r!.user_id),
      accountId: String(r!.account_id),
      state: String(r!.state) as FirstProjectState,
      attempts: Number(r!.attempts),
      nextAt: Number(r!.next_at),
    }));
  }

  async rememberToken(digest: string, token: MintedToken): Promise<void> {
    this.stmts.rememberToken.run(digest, token.userId, token.expiresAt);
  }

  async findToken(digest: string): Promise<MintedToken | undefined> {
    const row = this.stmts.findToken.get(digest) as Row;
    return row ? { userId: String(row.user_id), expiresAt: Number(row.expires_at) } : undefined;
  }

  async forgetToken(digest: string): Promise<void> {
    this.stmts.forgetToken.run(digest);
  }

  async pruneTokens(now: number): Promise<number> {
    return this.stmts.pruneTokens.run(now).changes;
  }

  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.sections.run(key, fn);
  }

  rateLimit(_name: string, options: RateLimiterOptions): RateLimit {
    return memoryRateLimit(options);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async schemaStatus(): Promise<SchemaStatus> {
    return schemaStatus(this.appliedVersions());
  }

  async migrate(): Promise<number[]> {
    return this.migrateNow();
  }

  async counts(): Promise<{ accounts: number; projects: number }> {
    const row = this.stmts.counts.get() as { accounts: number; projects: number };
    return { accounts: row.accounts, projects: row.projects };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private appliedVersions(): number[] {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    return (this.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);
  }

  /** Applies every pending migration in one immediate transaction (a second process waits). */
  private migrateNow(): number[] {
    return this.db.transaction(() => {
      const { pending } = schemaStatus(this.appliedVersions());
      const record = this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      for (const version of pending) {
        const migration = MIGRATIONS.find((m) => m.version === version)!;
        if (migration.sqlite) this.db.exec(migration.sqlite);
        record.run(migration.version, migration.name, Date.now());
      }
      return [...pending];
    }).immediate();
  }
}

type Row = Record<string, unknown> | undefined;

function toAccount(row: unknown): AccountRecord | undefined {
  const r = row as Row;
  if (!r) return undefined;
  return {
    site: String(r.site),
    userId: String(r.user_id),
    accountId: String(r.account_id),
    password: String(r.password),
    email: String(r.email),
    createdAt: Number(r.created_at),
  };
}

function toAccountIntent(row: unknown): AccountIntent | undefined {
  const r = row as Row;
  if (!r) return undefined;
  return { site: String(r.site), userId: String(r.user_id), email: String(r.email), password: String(r.password), createdAt: Number(r.created_at) };
}

function toProjectIntent(row: unknown): ProjectIntent | undefined {
  const r = row as Row;
  if (!r) return undefined;
  return { site: String(r.site), userId: String(r.user_id), projectKey: String(r.project_key), title: String(r.title), createdAt: Number(r.created_at) };
}

function toProject(row: unknown): ProjectRecord | undefined {
  const r = row as Row;
  if (!r) return undefined;
  return {
    site: String(r.site),
    userId: String(r.user_id),
    projectKey: String(r.project_key),
    projectId: String(r.project_id),
    seededAt: r.seeded_at == null ? null : Number(r.seeded_at),
    startedAt: r.started_at == null ? null : Number(r.started_at),
    createdAt: Number(r.created_at),
  };
}
