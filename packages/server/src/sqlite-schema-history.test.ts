import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION, schemaStatus } from './migrations.js';
import { SqliteEmbedStore } from './sqlite-embed-store.js';

describe('schema history', () => {
  it('numbers migrations from 1 without gaps, each with text for at least one store', () => {
    assert.deepEqual(MIGRATIONS.map((m) => m.version), Array.from({ length: MIGRATIONS.length }, (_, n) => n + 1));
    for (const m of MIGRATIONS) assert.ok(m.sqlite !== null || m.postgres !== null, `migration ${m.version} does something`);
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
  });

  it('says what is pending, and which applied versions a newer build made', () => {
    assert.deepEqual(schemaStatus([]), { current: 0, pending: MIGRATIONS.map((m) => m.version), unknown: [] });
    assert.deepEqual(schemaStatus([1]).pending, MIGRATIONS.slice(1).map((m) => m.version));
    const newer = [...MIGRATIONS.map((m) => m.version), SCHEMA_VERSION + 1];
    assert.deepEqual(schemaStatus(newer), { current: SCHEMA_VERSION + 1, pending: [], unknown: [SCHEMA_VERSION + 1] });
  });

  it('adopts a SQLite file made before there was a history, keeping its records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocalc-embed-history-'));
    try {
      const file = join(dir, 'cocalc-embed.sqlite');
      // The layout the backend wrote before versioned migrations (no schema_migrations table).
      const old = new Database(file);
      old.exec(MIGRATIONS[0]!.sqlite!);
      old.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)').run('https://cocalc.example', 'alice', 'acc-1', 'pw', 'a@x.invalid', 1);
      old.close();
      const store = new SqliteEmbedStore(file);
      try {
        assert.equal((await store.getAccount('https://cocalc.example', 'alice'))?.accountId, 'acc-1', 'the records are kept');
        assert.deepEqual(await store.schemaStatus(), { current: SCHEMA_VERSION, pending: [], unknown: [] });
        await store.rememberToken('digest', { userId: 'alice', expiresAt: 10 });
        assert.deepEqual(await store.findToken('digest'), { userId: 'alice', expiresAt: 10 }, 'later migrations were applied');
      } finally {
        await store.close();
      }
      const again = new SqliteEmbedStore(file);
      assert.deepEqual(await again.migrate(), [], 'opening again applies nothing');
      assert.deepEqual(await again.findToken('digest'), { userId: 'alice', expiresAt: 10 }, 'minted-token digests outlive a restart');
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
