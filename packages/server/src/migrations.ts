/** One step of the store's schema history, in the dialect of each store. */
export interface Migration {
  /** Position in the history, from 1, without gaps. Never renumber a released migration. */
  readonly version: number;
  /** What it does, recorded next to the version. */
  readonly name: string;
  /** SQL for the SQLite store, or `null` when the step has nothing to do there. */
  readonly sqlite: string | null;
  /** SQL for the PostgreSQL store, or `null` when the step has nothing to do there. */
  readonly postgres: string | null;
}

/**
 * The schema history shared by both stores: the same versions in the same order, so a deployment
 * that moves from one store to the other is at the same version in both. Each store records what it
 * applied in `schema_migrations (version, name, applied_at)`. Version 1 uses `IF NOT EXISTS`: files
 * made before there was a history (same tables) are adopted as they are.
 *
 * Migrations only ever add (tables, columns, indexes): during a rolling upgrade the instances
 * still running the older build keep working against the newer schema.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, projects, intents and sign-up project clean-ups',
    sqlite: `
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
  attempts INTEGER NOT NULL, next_at INTEGER NOT NULL, PRIMARY KEY (site, user_id));`,
    postgres: `
CREATE TABLE IF NOT EXISTS accounts (
  site TEXT NOT NULL, user_id TEXT NOT NULL, account_id TEXT NOT NULL, password TEXT NOT NULL,
  email TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (site, user_id));
CREATE TABLE IF NOT EXISTS projects (
  site TEXT NOT NULL, user_id TEXT NOT NULL, project_key TEXT NOT NULL, project_id TEXT NOT NULL,
  seeded_at BIGINT, started_at BIGINT, created_at BIGINT NOT NULL, PRIMARY KEY (site, user_id, project_key));
CREATE TABLE IF NOT EXISTS account_intents (
  site TEXT NOT NULL, user_id TEXT NOT NULL, email TEXT NOT NULL, password TEXT NOT NULL,
  created_at BIGINT NOT NULL, PRIMARY KEY (site, user_id));
CREATE TABLE IF NOT EXISTS project_intents (
  site TEXT NOT NULL, user_id TEXT NOT NULL, project_key TEXT NOT NULL, title TEXT NOT NULL,
  created_at BIGINT NOT NULL, PRIMARY KEY (site, user_id, project_key));
CREATE TABLE IF NOT EXISTS first_projects (
  site TEXT NOT NULL, user_id TEXT NOT NULL, account_id TEXT NOT NULL, state TEXT NOT NULL,
  attempts INTEGER NOT NULL, next_at BIGINT NOT NULL, PRIMARY KEY (site, user_id));
CREATE INDEX IF NOT EXISTS first_projects_due ON first_projects (site, next_at) WHERE state IN ('pending', 'confirming');`,
  },
  {
    version: 2,
    name: 'minted tokens (digests), so that any instance can revoke them',
    sqlite: `
CREATE TABLE minted_tokens (
  digest TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX minted_tokens_expiry ON minted_tokens (expires_at);`,
    postgres: `
CREATE TABLE minted_tokens (
  digest TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX minted_tokens_expiry ON minted_tokens (expires_at);`,
  },
  {
    version: 3,
    name: 'rate-limit windows shared by every instance',
    // One SQLite file serves one instance, whose limits live in its memory.
    sqlite: null,
    // The table rate-limiter-flexible's PostgreSQL store reads and writes, in its own layout.
    postgres: `
CREATE TABLE rate_limits (
  key VARCHAR(255) PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire BIGINT);
CREATE INDEX rate_limits_expire ON rate_limits (expire);`,
  },
];

/** The schema version this build needs: the last of {@link MIGRATIONS}. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Where a store's schema stands against this build. */
export interface SchemaStatus {
  /** Highest version applied (0: none). */
  readonly current: number;
  /** Versions this build would apply, in order. */
  readonly pending: readonly number[];
  /** Applied versions this build does not know (a newer build migrated the store). */
  readonly unknown: readonly number[];
}

/** Compares the applied versions with {@link MIGRATIONS}. */
export function schemaStatus(applied: readonly number[]): SchemaStatus {
  const done = new Set(applied);
  const known = new Set(MIGRATIONS.map((m) => m.version));
  return {
    current: applied.length ? Math.max(...applied) : 0,
    pending: MIGRATIONS.filter((m) => !done.has(m.version)).map((m) => m.version),
    unknown: applied.filter((v) => !known.has(v)).sort((a, b) => a - b),
  };
}
