import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { PostgresEmbedStore } from './postgres-embed-store.js';
import { SqliteEmbedStore } from './sqlite-embed-store.js';
import { describeStoreContract } from './test-support/store-contract.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './test-support/throwaway-postgres.js';

// One contract, both stores: what the backend relies on holds whichever is configured.

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
describeStoreContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cocalc-embed-contract-'));
  dirs.push(dir);
  return SqliteEmbedStore.inDataDir(dir);
});

let postgres: ThrowawayPostgres;
before(async () => {
  postgres = await startThrowawayPostgres();
});
after(() => postgres?.stop());
describeStoreContract('PostgreSQL', async () => {
  const store = new PostgresEmbedStore(await postgres.createDatabase());
  await store.migrate();
  return store;
});
