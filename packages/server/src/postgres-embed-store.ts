import pg from 'pg';
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
import { silentLogger, type Logger } from './logger.js';
import { MIGRATIONS, schemaStatus, type SchemaStatus } from './migrations.js';
import { postgresRateLimit } from './postgres-rate-limit.js';
import type { RateLimit } from './rate-limit.js';
import type { RateLimiterOptions } from './rate-limiter.js';

/** Options of {@link PostgresEmbedStore}. */
export interface PostgresEmbedStoreOptions {
  /** Connections for queries; default 10. */
  poolSize?: number;
  /**
   * Connections that hold exclusive sections (one per provisioning in progress, held while CoCalc
   * is asked); default 20. Kept apart from the query pool so holders can always run queries.
   */
  lockPoolSize?: number;
  /** Where pool errors (a connection lost while idle) are logged. */
  logger?: Logger;
}

/** The key of the advisory lock migrations run under (any constant; this one spells the project). */
const MIGRATION_LOCK = 'cocalc-embed:schema-migrations';
/** How long a readiness probe waits for `SELECT 1`. */
const PING_TIMEOUT_MS = 2_000;

/**
 * {@link EmbedStore} on PostgreSQL (node-postgres), for any number of backend instances sharing one
 * database. Inserts are `ON CONFLICT DO NOTHING` followed by a read, so racing instances agree on
 * one record; exclusive sections are session advisory locks, which PostgreSQL releases by itself
 * when the holding instance dies (its connection ends); rate limits live in `rate_limits`.
 *
 * The connection string is a secret (it may hold a password): never logged.
 */
export class PostgresEmbedStore implements EmbedStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly lockPool: pg.Pool;
  private readonly logger: Logger;
  private closed = false;

  constructor(connectionString: string, options: PostgresEmbedStoreOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    const common = { connectionString, connectionTimeoutMillis: 10_000, application_name: 'cocalc-embed' };
    this.pool = new pg.Pool({ ...common, max: options.poolSize ?? 10 });
    // Waiting for a lock connection is waiting for other provisionings to finish (each holds one
    // while CoCalc works, ~10 s on a real server): allow longer than for a query connection.
    this.lockPool = new pg.Pool({ ...common, connectionTimeoutMillis: 60_000, max: options.lockPoolSize ?? 20 });
    // An idle connection that breaks (database restarted, network cut) is reported here; unhandled
    // it would end the process. The pool replaces it on the next query.
    for (const pool of [this.pool, this.lockPool]) {
      pool.on('error', (error) => this.logger.warn('PostgreSQL connection lost', { error: error.message }));
    }
  }

  async getAccount(site: string, userId: string): Promise<AccountRecord | undefined> {
    return toAccount(await this.one('SELECT * FROM accounts WHERE site = $1 AND user_id = $2', [site, userId]));
  }

  async putAccount(r: AccountRecord): Promise<AccountRecord> {
    await this.pool.query(
      'INSERT INTO accounts (site, user_id, account_id, password, email, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
      [r.site, r.userId, r.accountId, r.password, r.email, r.createdAt],
    );
    return (await this.getAccount(r.site, r.userId))!;
  }

  async getProject(site: string, userId: string, projectKey: string): Promise<ProjectRecord | undefined> {
    return toProject(await this.one('SELECT * FROM projects WHERE site = $1 AND user_id = $2 AND project_key = $3', [site, userId, projectKey]));
  }

  async putProject(r: ProjectRecord): Promise<ProjectRecord> {
    await this.pool.query(
      'INSERT INTO projects (site, user_id, project_key, project_id, seeded_at, started_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING',
      [r.site, r.userId, r.projectKey, r.projectId, r.seededAt, r.startedAt, r.createdAt],
    );
    return (await this.getProject(r.site, r.userId, r.projectKey))!;
  }

  async markSeeded(site: string, userId: string, projectKey: string, at: number): Promise<void> {
    await this.pool.query('UPDATE projects SET seeded_at = $1 WHERE site = $2 AND user_id = $3 AND project_key = $4', [at, site, userId, projectKey]);
  }

  async markStarted(site: string, userId: string, projectKey: string, at: number): Promise<void> {
    await this.pool.query('UPDATE projects SET started_at = $1 WHERE site = $2 AND user_id = $3 AND project_key = $4', [at, site, userId, projectKey]);
  }

  async getAccountIntent(site: string, userId: string): Promise<AccountIntent | undefined> {
    return toAccountIntent(await this.one('SELECT * FROM account_intents WHERE site = $1 AND user_id = $2', [site, userId]));
  }

  async putAccountIntent(i: AccountIntent): Promise<AccountIntent> {
    await this.pool.query(
      'INSERT INTO account_intents (site, user_id, email, password, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [i.site, i.userId, i.email, i.password, i.createdAt],
    );
    return (await this.getAccountIntent(i.site, i.userId))!;
  }

  async getProjectIntent(site: string, userId: string, projectKey: string): Promise<ProjectIntent | undefined> {
    return toProjectIntent(
      await this.one('SELECT * FROM project_intents WHERE site = $1 AND user_id = $2 AND project_key = $3', [site, userId, projectKey]),
    );
  }

  async putProjectIntent(i: ProjectIntent, maxProjects?: number): Promise<ProjectIntent | undefined> {
    // One transaction under a per-user lock: two instances cannot both take the user's last slot.
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [JSON.stringify(['user-projects', i.site, i.userId])]);
      const existing = await client.query<Record<string, unknown>>('SELECT * FROM project_intents WHERE site = $1 AND user_id = $2 AND project_key = $3', [i.site, i.userId, i.projectKey]);
      if (existing.rows[0]) return toProjectIntent(existing.rows[0]);
      const hasRecord = (await client.query('SELECT 1 FROM projects WHERE site = $1 AND user_id = $2 AND project_key = $3', [i.site, i.userId, i.projectKey])).rowCount! > 0;
      const count = await countProjects(client, i.site, i.userId);
      if (!hasRecord && maxProjects !== undefined && count >= maxProjects) return undefined;
      const inserted = await client.query<Record<string, unknown>>(
        'INSERT INTO project_intents (site, user_id, project_key, title, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [i.site, i.userId, i.projectKey, i.title, i.createdAt],
      );
      return toProjectIntent(inserted.rows[0]);
    });
  }

  async countUserProjects(site: string, userId: string): Promise<number> {
    return countProjects(this.pool, site, userId);
  }

  async putFirstProjectCleanup(r: FirstProjectCleanup): Promise<void> {
    await this.pool.query(
      'INSERT INTO first_projects (site, user_id, account_id, state, attempts, next_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
      [r.site, r.userId, r.accountId, r.state, r.attempts, r.nextAt],
    );
  }

  async updateFirstProjectCleanup(site: string, userId: string, state: FirstProjectState, attempts: number, nextAt: number): Promise<void> {
    await this.pool.query('UPDATE first_projects SET state = $1, attempts = $2, next_at = $3 WHERE site = $4 AND user_id = $5', [
      state,
      attempts,
      nextAt,
      site,
      userId,
    ]);
  }

  async dueFirstProjectCleanups(site: string, now: number, limit: number): Promise<FirstProjectCleanup[]> {
    const { rows } = await this.pool.query(
      "SELECT * FROM first_projects WHERE site = $1 AND state IN ('pending', 'confirming') AND next_at <= $2 ORDER BY next_at LIMIT $3",
      [site, now, limit],
    );
    return rows.map((r: Record<string, unknown>) => ({
      site: String(r.site),
      userId: String(r.user_id),
      accountId: String(r.account_id),
      state: String(r.state) as FirstProjectState,
      attempts: Number(r.attempts),
      nextAt: Number(r.next_at),
    }));
  }

  async rememberToken(digest: string, token: MintedToken): Promise<void> {
    await this.pool.query(
      'INSERT INTO minted_tokens (digest, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (digest) DO UPDATE SET user_id = EXCLUDED.user_id, expires_at = EXCLUDED.expires_at',
      [digest, token.userId, token.expiresAt],
    );
  }

  async findToken(digest: string): Promise<MintedToken | undefined> {
    const row = await this.one('SELECT user_id, expires_at FROM minted_tokens WHERE digest = $1', [digest]);
    return row ? { userId: String(row.user_id), expiresAt: Number(row.expires_at) } : undefined;
  }

  async forgetToken(digest: string): Promise<void> {
    await this.pool.query('DELETE FROM minted_tokens WHERE digest = $1', [digest]);
  }

  async pruneTokens(now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM minted_tokens WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }

  /**
   * A session advisory lock on a connection of its own, held while `fn` runs. Waiters block in
   * PostgreSQL (no polling); if this process dies, its connection ends and PostgreSQL releases the
   * lock, so the next instance takes over at once and resumes from the recorded intents.
   */
  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.lockPool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    try {
      return await fn();
    } finally {
      // A connection whose unlock failed is destroyed rather than reused while it may hold the lock.
      const broken = await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).then(
        () => undefined,
        (error: Error) => error,
      );
      client.release(broken);
    }
  }

  rateLimit(name: string, options: RateLimiterOptions): RateLimit {
    return postgresRateLimit(this.pool, name, options);
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.pool.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('PostgreSQL did not answer in time')), PING_TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async schemaStatus(): Promise<SchemaStatus> {
    return schemaStatus(await appliedVersions(this.pool));
  }

  /**
   * Applies every pending migration in one transaction under an advisory lock: instances starting
   * together take turns, and the later ones find nothing left to do. PostgreSQL's DDL is
   * transactional, so a failed migration leaves the schema as it was.
   */
  async migrate(): Promise<number[]> {
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const { pending } = schemaStatus(await appliedVersions(client));
      for (const version of pending) {
        const migration = MIGRATIONS.find((m) => m.version === version)!;
        if (migration.postgres) await client.query(migration.postgres);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
      }
      return [...pending];
    });
  }

  async counts(): Promise<{ accounts: number; projects: number }> {
    const row = (await this.one('SELECT (SELECT COUNT(*) FROM accounts) AS accounts, (SELECT COUNT(*) FROM projects) AS projects', []))!;
    return { accounts: Number(row.accounts), projects: Number(row.projects) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.end(), this.lockPool.end()]);
  }

  private async one(sql: string, values: unknown[]): Promise<Record<string, unknown> | undefined> {
    return (await this.pool.query<Record<string, unknown>>(sql, values)).rows[0];
  }

  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

async function appliedVersions(db: pg.Pool | pg.PoolClient): Promise<number[]> {
  const exists = await db.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (!exists.rows[0].present) return [];
  return (await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => Number(r.version));
}

async function countProjects(db: pg.Pool | pg.PoolClient, site: string, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT COUNT(*) AS n FROM (SELECT project_key FROM projects WHERE site = $1 AND user_id = $2 UNION SELECT project_key FROM project_intents WHERE site = $1 AND user_id = $2) AS keys',
    [site, userId],
  );
  return Number(rows[0].n);
}

type Row = Record<string, unknown> | undefined;

function toAccount(r: Row): AccountRecord | undefined {
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

function toAccountIntent(r: Row): AccountIntent | undefined {
  if (!r) return undefined;
  return { site: String(r.site), userId: String(r.user_id), email: String(r.email), password: String(r.password), createdAt: Number(r.created_at) };
}

function toProjectIntent(r: Row): ProjectIntent | undefined {
  if (!r) return undefined;
  return { site: String(r.site), userId: String(r.user_id), projectKey: String(r.project_key), title: String(r.title), createdAt: Number(r.created_at) };
}

function toProject(r: Row): ProjectRecord | undefined {
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
