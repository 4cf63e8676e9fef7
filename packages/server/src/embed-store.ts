import type { SchemaStatus } from './migrations.js';
import type { RateLimit } from './rate-limit.js';
import type { RateLimiterOptions } from './rate-limiter.js';

/** A site user's CoCalc account, as the backend created it. */
export interface AccountRecord {
  /** Normalised CoCalc base URL the account lives on (mappings never cross servers). */
  readonly site: string;
  /** The host site's user id (from `authenticate`). */
  readonly userId: string;
  /** CoCalc `account_id`. */
  readonly accountId: string;
  /** The random password the account was created with (needed for non-admin `user_auth`). */
  readonly password: string;
  /** E-mail address the account was created with. */
  readonly email: string;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** A project the backend created for a site user. */
export interface ProjectRecord {
  readonly site: string;
  readonly userId: string;
  /** Which project of the user: `default`, a page-given project name, or a notebook key. */
  readonly projectKey: string;
  /** CoCalc `project_id`. */
  readonly projectId: string;
  /** Epoch ms when the template was fully copied in, or `null` while not yet. */
  readonly seededAt: number | null;
  /** Epoch ms of the last successful start request, or `null`. */
  readonly startedAt: number | null;
  /** Epoch ms. */
  readonly createdAt: number;
}

/**
 * What the backend is about to create for a site user's account, written BEFORE it asks CoCalc:
 * after a crash between CoCalc's answer and {@link EmbedStore.putAccount}, the retry uses the same
 * e-mail and password, and CoCalc's answer to that names the account the first attempt made.
 */
export interface AccountIntent {
  readonly site: string;
  readonly userId: string;
  /** The generated e-mail address (unique, random suffix). */
  readonly email: string;
  /** The generated password (a secret: never logged). */
  readonly password: string;
  /** Epoch ms. */
  readonly createdAt: number;
}

/**
 * What the backend is about to create for a site user's project, written BEFORE it asks CoCalc:
 * the title carries a random id, so a retry after a crash finds the project by its exact title in
 * the list of the API key's projects instead of creating a second one.
 */
export interface ProjectIntent {
  readonly site: string;
  readonly userId: string;
  readonly projectKey: string;
  /** The exact CoCalc project title, unique per intent. */
  readonly title: string;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** Where the clean-up of the project CoCalc makes at sign-up ("My First Project") stands. */
export type FirstProjectState = 'pending' | 'confirming' | 'stopped' | 'deleted' | 'none';

/** The clean-up job of one account's sign-up project (see `COCALC_EMBED_FIRST_PROJECT`). */
export interface FirstProjectCleanup {
  readonly site: string;
  readonly userId: string;
  readonly accountId: string;
  /**
   * `pending` until done (`confirming`: stopped once, a second stop follows); then what was done
   * (`none`: CoCalc made no such project, or the job was given up).
   */
  readonly state: FirstProjectState;
  /** Attempts made so far. */
  readonly attempts: number;
  /** Epoch ms of the next attempt while pending. */
  readonly nextAt: number;
}

/** A token this backend handed out, known by its SHA-256 digest (never the token itself). */
export interface MintedToken {
  /** The site user it was minted for: only they may revoke it. */
  readonly userId: string;
  /** Epoch ms when CoCalc stops accepting it. */
  readonly expiresAt: number;
}

/**
 * Where the backend keeps its user → CoCalc mapping, and everything instances sharing it must
 * agree on: minted tokens (revocation from any instance), exclusive sections (provisioning exactly
 * once) and rate limits. {@link SqliteEmbedStore} (one instance, the default) and
 * {@link PostgresEmbedStore} (any number of instances) implement it; `createStore(config)` picks
 * one. Writes of records are insert-if-absent and return the record that won, so two backends
 * racing agree.
 */
export interface EmbedStore {
  /** Which store this is (for logs and health output). */
  readonly kind: 'sqlite' | 'postgres';
  /** The user's account on `site`, if one was created. */
  getAccount(site: string, userId: string): Promise<AccountRecord | undefined>;
  /** Inserts unless a record for (site, userId) exists; resolves with the stored record. */
  putAccount(record: AccountRecord): Promise<AccountRecord>;
  /** The user's project `projectKey` on `site`, if one was created. */
  getProject(site: string, userId: string, projectKey: string): Promise<ProjectRecord | undefined>;
  /** Inserts unless a record for (site, userId, projectKey) exists; resolves with the stored record. */
  putProject(record: ProjectRecord): Promise<ProjectRecord>;
  /** Records that the template was fully copied into the project. */
  markSeeded(site: string, userId: string, projectKey: string, at: number): Promise<void>;
  /** Records a successful project start. */
  markStarted(site: string, userId: string, projectKey: string, at: number): Promise<void>;
  /** The recorded account intent of (site, userId), if any. */
  getAccountIntent(site: string, userId: string): Promise<AccountIntent | undefined>;
  /** Inserts unless an intent for (site, userId) exists; resolves with the stored one. */
  putAccountIntent(intent: AccountIntent): Promise<AccountIntent>;
  /** The recorded project intent of (site, userId, projectKey), if any. */
  getProjectIntent(site: string, userId: string, projectKey: string): Promise<ProjectIntent | undefined>;
  /**
   * Inserts unless an intent for (site, userId, projectKey) exists; resolves with the stored one.
   * With `maxProjects`, a new intent is only inserted while the user has fewer distinct projects
   * (records and intents) than that, atomically; otherwise resolves `undefined`.
   */
  putProjectIntent(intent: ProjectIntent, maxProjects?: number): Promise<ProjectIntent | undefined>;
  /** How many distinct projects the user has or is having made on `site` (records and intents). */
  countUserProjects(site: string, userId: string): Promise<number>;
  /** Inserts unless a clean-up for (site, userId) exists. */
  putFirstProjectCleanup(record: FirstProjectCleanup): Promise<void>;
  /** Updates a clean-up's state, attempts and next attempt. */
  updateFirstProjectCleanup(site: string, userId: string, state: FirstProjectState, attempts: number, nextAt: number): Promise<void>;
  /** Pending or confirming clean-ups on `site` whose next attempt is due at `now`, oldest first. */
  dueFirstProjectCleanups(site: string, now: number, limit: number): Promise<FirstProjectCleanup[]>;
  /** Records a minted token so that any instance can revoke it; a digest seen again is refreshed. */
  rememberToken(digest: string, token: MintedToken): Promise<void>;
  /** The minted token with this digest, if remembered and not forgotten. */
  findToken(digest: string): Promise<MintedToken | undefined>;
  /** Forgets a token (revoked). */
  forgetToken(digest: string): Promise<void>;
  /** Forgets tokens CoCalc no longer accepts at `now`; resolves how many. */
  pruneTokens(now: number): Promise<number>;
  /**
   * Runs `fn` while no other caller, in this process or in any other instance sharing the store,
   * runs a section with the same `key`; later callers wait their turn. If the holder's process
   * dies, the section is released (PostgreSQL: its connection ends, and with it the lock). Keys are
   * text without NUL characters (PostgreSQL text cannot hold them): callers JSON-encode their parts.
   */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** A rate limit named `name` (its own buckets), shared by every instance using this store. */
  rateLimit(name: string, options: RateLimiterOptions): RateLimit;
  /** Resolves when the store answers; rejects when it cannot be reached (readiness probes). */
  ping(): Promise<void>;
  /** Where the schema stands against this build's {@link MIGRATIONS}. */
  schemaStatus(): Promise<SchemaStatus>;
  /** Applies pending migrations (one at a time across instances); resolves the versions applied. */
  migrate(): Promise<number[]>;
  /** Counts, for health output and tests. */
  counts(): Promise<{ accounts: number; projects: number }>;
  /** Releases the connection. */
  close(): Promise<void>;
}
