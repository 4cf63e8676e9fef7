import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AccountIntent,
  AccountRecord,
  EmbedStore,
  FirstProjectCleanup,
  FirstProjectState,
  ProjectIntent,
  ProjectRecord,
} from './embed-store.js';

/** Default file name inside the data folder. */
export const SQLITE_FILE_NAME = 'cocalc-embed.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (
  site TEXT NOT NULL, user_id TEXT NOT NULL, account_id TEXT NOT NULL, password TEXT NOT NULL,
  email TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (site, user_id));
CREATE TABLE IF NOT EXISTS projects (
  site TEXT NOT NULL, user_id TEXT NOT NULL, project_key TEXT NOT NULL, project_id TEXT NOT NULL,
  seeded_at INTEGER, started_at INTEGER, created_at INTEGER NOT NULL, PRIMARY KEY (site, user_id, project_key));
CREATE TABLE IF NOT EXISTS account_intents (
  site TEXT NOT NULL, user_id TEXT NOT NULL, email TEXT NOT NULL, password TEXT NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (site, user_id));
CREATE TABLE IF NOT EXISTS project_intents (
  site TEXT NOT NULL, user_id TEXT NOT NULL, project_key TEXT NOT NULL, title TEXT NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (site, user_id, project_key));
CREATE TABLE IF NOT EXISTS first_projects (
  site TEXT NOT NULL, user_id TEXT NOT NULL, account_id TEXT NOT NULL, state TEXT NOT NULL,
  attempts INTEGER NOT NULL, next_at INTEGER NOT NULL, PRIMARY KEY (site, user_id));
`;

/**
 * {@link EmbedStore} on a SQLite file (better-sqlite3, WAL). Created on first use with mode 0600,
 * because it holds the generated CoCalc passwords. Pass `':memory:'` for a throw-away store.
 */
export class SqliteEmbedStore implements EmbedStore {
  /** The database file path (or `:memory:`). */
  readonly file: string;
  private readonly db: Database.Database;
  private readonly stmts;

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
    this.db.exec(SCHEMA);
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

  async counts(): Promise<{ accounts: number; projects: number }> {
    const row = this.stmts.counts.get() as { accounts: number; projects: number };
    return { accounts: row.accounts, projects: row.projects };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
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
