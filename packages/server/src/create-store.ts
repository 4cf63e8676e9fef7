import type { EmbedStore } from './embed-store.js';
import type { ServerConfig } from './load-config.js';
import { silentLogger, type Logger } from './logger.js';
import { SCHEMA_VERSION } from './migrations.js';
import { PostgresEmbedStore } from './postgres-embed-store.js';
import { SqliteEmbedStore } from './sqlite-embed-store.js';

/** Thrown when the store's schema is older than this build needs and migrating is left to the operator. */
export class SchemaBehindError extends Error {
  constructor(current: number) {
    super(`The database schema is at version ${current}; this build needs version ${SCHEMA_VERSION}. Run \`cocalc-embed migrate\` (or unset COCALC_EMBED_MIGRATE=manual).`);
    this.name = 'SchemaBehindError';
  }
}

/** Options of {@link createStore}. */
export interface CreateStoreOptions {
  logger?: Logger;
  /**
   * What to do about the schema: `apply` pending migrations, `check` that none are pending (throws
   * {@link SchemaBehindError}), or `none` (the `migrate` command, which applies them itself).
   * Default: `apply` when `config.migrate` is `on-start`, else `check`.
   */
  schema?: 'apply' | 'check' | 'none';
}

/**
 * The one place that picks the store: PostgreSQL when `COCALC_EMBED_DATABASE_URL` is set (any
 * number of instances), else the SQLite file in the data folder (one instance; always brought up
 * to date when opened). Resolves once the schema is ready.
 */
export async function createStore(config: ServerConfig, options: CreateStoreOptions = {}): Promise<EmbedStore> {
  const logger = options.logger ?? silentLogger;
  const store = openStore(config, logger);
  const schema = options.schema ?? (config.migrate === 'on-start' ? 'apply' : 'check');
  try {
    if (schema === 'apply') {
      const applied = await store.migrate();
      if (applied.length > 0) logger.info('applied schema migrations', { store: store.kind, versions: applied });
    }
    if (schema !== 'none') {
      const status = await store.schemaStatus();
      if (status.pending.length > 0) throw new SchemaBehindError(status.current);
      if (status.unknown.length > 0) {
        logger.warn('the database schema is newer than this build (a newer instance migrated it)', { versions: status.unknown });
      }
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * The configured store, opened, with no schema work yet: the choice {@link createStore} makes, for
 * the callers that cannot wait for it (a token app built synchronously over SQLite, whose file is
 * brought up to date as it opens). Internal: not re-exported by the package.
 */
export function openStore(config: ServerConfig, logger: Logger = silentLogger): EmbedStore {
  return config.databaseUrl ? new PostgresEmbedStore(config.databaseUrl, { logger }) : SqliteEmbedStore.inDataDir(config.dataDir);
}
