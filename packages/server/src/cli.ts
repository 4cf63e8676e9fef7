#!/usr/bin/env -S npx tsx
/**
 * `cocalc-embed serve` runs the token backend; `cocalc-embed provision <user> [project]` creates
 * (or confirms) a site user's CoCalc account and project ahead of time; `cocalc-embed migrate`
 * brings the store's schema up to date and exits. Configuration comes from the environment (see
 * README.md); errors name variables, never their values.
 */
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { createLogger } from './logger.js';
import { createStore, SchemaBehindError } from './create-store.js';
import { SCHEMA_VERSION } from './migrations.js';
import { startServer } from './start-server.js';
import { TokenService } from './token-service.js';

const USAGE = 'usage: cocalc-embed serve | cocalc-embed migrate | cocalc-embed provision <user> [project]';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'serve' && command !== 'provision' && command !== 'migrate') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, secrets: [config.apiKey, config.sessionSecret, ...databaseSecrets(config.databaseUrl)] });

  if (command === 'migrate') {
    const store = await createStore(config, { logger, schema: 'none' });
    try {
      const applied = await store.migrate();
      const status = await store.schemaStatus();
      process.stdout.write(`${JSON.stringify({ store: store.kind, applied, version: status.current, needed: SCHEMA_VERSION })}\n`);
      return 0;
    } finally {
      await store.close();
    }
  }

  if (command === 'provision') {
    const [user, project] = rest;
    if (!user) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const store = await createStore(config, { logger });
    // The token endpoint's own provisioning path: same records, same intents, same project key.
    const service = new TokenService({ config, store, logger });
    try {
      const key = service.projectKey('', project);
      const { account, project: p } = await service.provisioner.provision(user, key);
      process.stdout.write(`${JSON.stringify({ user, accountId: account.accountId, projectId: p.projectId, projectKey: key })}\n`);
      return 0;
    } catch (error) {
      logger.error('provisioning failed', { error });
      return 1;
    } finally {
      service.close();
      await store.close();
    }
  }

  if (config.demoAuth && config.sessionSecretGenerated) {
    logger.warn('COCALC_EMBED_SESSION_SECRET is not set: using a random one; demo sign-ins end when the process exits');
  }
  let server;
  try {
    server = await startServer({ config, logger });
  } catch (error) {
    if (error instanceof SchemaBehindError) {
      process.stderr.write(`${error.message}\n`);
      return 78;
    }
    throw error;
  }
  // Always say where we listen (port 0 picks one), whatever the log level.
  process.stdout.write(`cocalc-embed token backend listening on ${server.url}\n`);
  logger.info('token backend listening', { url: server.url, cocalcUrl: config.cocalcUrl, api: config.api, demoAuth: config.demoAuth });
  const stop = async (signal: string) => {
    logger.info('shutting down', { signal });
    const drained = await server.close();
    logger.info('stopped', { drained });
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return -1; // keep running
}

/** The connection string and its password, so neither can reach a log line. */
function databaseSecrets(url: string | null): string[] {
  if (!url) return [];
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [url, password] : [url];
  } catch {
    return [url];
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`cocalc-embed: ${error instanceof Error ? error.message : 'failed'}\n`);
    process.exit(1);
  },
);
