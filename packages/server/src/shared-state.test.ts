import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parseTokenResponse } from '@cocalc-embed/protocol';
import type { RunningEmulator } from '@cocalc-embed/emulator';
import pg from 'pg';
import { createStore, SchemaBehindError } from './create-store.js';
import { loadConfig } from './load-config.js';
import { SCHEMA_VERSION } from './migrations.js';
import { PostgresEmbedStore } from './postgres-embed-store.js';
import { createTokenApp } from './token-app.js';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { tokenServiceOf } from './token-app.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { redeemToken } from './test-support/redeem-token.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './test-support/throwaway-postgres.js';
import { startTestEmulator } from './test-support/upstream.js';
import { waitFor } from './test-support/wait-for.js';

/** A well-formed API key made for this run: no key-shaped literal in the source. */
const TEST_API_KEY = `sk-${randomBytes(12).toString('hex')}`;

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Two backend instances in this process, each with its own connections, sharing one PostgreSQL
// database: what one does, the other must see.

let postgres: ThrowawayPostgres;
before(async () => {
  postgres = await startThrowawayPostgres();
});
after(() => postgres?.stop());

/** Two instances on a fresh database, against `upstream`. */
async function twoInstances(upstream: { url: string; apiKey: string }, env: Record<string, string> = {}): Promise<[Harness, Harness, string]> {
  const url = await postgres.createDatabase();
  const settings = { COCALC_EMBED_DATABASE_URL: url, COCALC_EMBED_FIRST_PROJECT: 'keep', ...env };
  return [await startHarness(upstream, settings), await startHarness(upstream, settings), url];
}

/** Sessions of PostgreSQL waiting for an advisory lock another session holds. */
async function lockWaiters(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    return rows[0].n;
  } finally {
    await client.end();
  }
}

describe('provisioning across instances on one PostgreSQL', () => {
  let fake: FakeCocalc;
  before(async () => {
    fake = await startFakeCocalc({ generation: 'modern' });
  });
  after(() => fake.close());

  for (const step of [
    { what: 'sign-up', user: 'alice', path: '/api/v2/auth/sign-up', count: () => fake.state.accounts.size },
    { what: 'project creation', user: 'bob', path: '/api/v2/projects/create', count: () => fake.state.projects.size },
  ]) {
    it(`a ${step.what} in flight on one instance is not sent again by the other, which waits and then reuses the result`, async () => {
      const [a, b, url] = await twoInstances(fake, { COCALC_EMBED_PROVISION_WAIT_MS: '200' });
      const user = step.user;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let gated = 0;
      fake.gate = async (path) => {
        if (path === step.path && gated++ === 0) await held;
      };
      const before = step.count();
      const sent = () => fake.calls.filter((c) => c.path === step.path).length;
      const sentBefore = sent();
      try {
        const cookie = await a.login(user);
        const first = await a.mint(cookie, { path: 'intro.ipynb' });
        assert.equal(first.status, 202, 'the first instance is still waiting for CoCalc');
        await first.body?.cancel();
        await waitFor('the call to reach CoCalc', () => gated === 1);
        const second = await b.mint(cookie, { path: 'intro.ipynb' });
        assert.equal(second.status, 202, 'the other instance is provisioning too (waiting its turn)');
        await second.body?.cancel();
        await waitFor('the other instance to wait for the lock', async () => (await lockWaiters(url)) === 1);
        assert.equal(sent(), sentBefore + 1, `one ${step.what} sent while the first is in flight`);
        release();
        const tokens = await Promise.all([a, b].map(async (h) => {
          for (;;) {
            const res = await h.mint(cookie, { path: 'intro.ipynb' });
            if (res.status === 200) return parseTokenResponse(await res.json());
            assert.equal(res.status, 202);
            await res.body?.cancel();
            await new Promise((r) => setTimeout(r, 50));
          }
        }));
        assert.equal(tokens[0].projectId, tokens[1].projectId, 'both instances hand out the same project');
        assert.equal(sent(), sentBefore + 1, `still one ${step.what}`);
        assert.equal(step.count(), before + 1);
        const accounts = await Promise.all([a, b].map((h) => h.server.app.embed.store.getAccount(h.config.cocalcUrl, user)));
        assert.equal(accounts[0]?.accountId, accounts[1]?.accountId);
      } finally {
        fake.gate = undefined;
        release();
        await a.close();
        await b.close();
      }
    });
  }

  it('per-user and per-address limits hold across instances', async () => {
    const [a, b] = await twoInstances(fake, {
      COCALC_EMBED_RATE_USER_PER_MIN: '3',
      COCALC_EMBED_RATE_USER_BURST: '3',
      COCALC_EMBED_RATE_IP_PER_MIN: '5',
      COCALC_EMBED_RATE_IP_BURST: '5',
    });
    try {
      const alice = await a.login('alice');
      const bob = await a.login('bob');
      const statuses: number[] = [];
      for (const h of [a, b, a]) {
        const res = await h.mint(alice, { path: 'intro.ipynb' });
        statuses.push(res.status);
        await res.body?.cancel();
      }
      assert.ok(statuses.every((s) => s === 200 || s === 202), `alice's burst of 3 passes: ${statuses.join(', ')}`);
      const over = await b.mint(alice, { path: 'intro.ipynb' });
      assert.equal(over.status, 429, 'the 4th, on the other instance, is over alice\'s limit');
      assert.ok(Number(over.headers.get('retry-after')) >= 1);
      assert.equal(((await over.json()) as { error: { code: string } }).error.code, 'RATE_LIMITED');
      // The address has had 4 of its 5; bob's first passes, and the next, on the other instance, does not.
      const fifth = await a.mint(bob, { path: 'intro.ipynb' });
      assert.notEqual(fifth.status, 429);
      await fifth.body?.cancel();
      const sixth = await b.mint(bob, { path: 'intro.ipynb' });
      assert.equal(sixth.status, 429, 'the address limit is shared too');
      await sixth.body?.cancel();
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('sign-up project clean-up across instances on one PostgreSQL', () => {
  it('a due clean-up is carried out by one instance, not by each', async () => {
    const fake = await startFakeCocalc({ generation: 'modern' });
    fake.firstProjectOnSignUp = true;
    let offset = 0;
    const now = () => Date.now() + offset;
    const url = await postgres.createDatabase();
    const settings = { COCALC_EMBED_DATABASE_URL: url, COCALC_EMBED_FIRST_PROJECT: 'stop' };
    const a = await startHarness(fake, settings, undefined, { now });
    const b = await startHarness(fake, settings, undefined, { now });
    try {
      const res = await a.mint(await a.login('alice'), { path: 'intro.ipynb' });
      parseTokenResponse(await res.json());
      offset += 3_000; // past the first attempt
      await Promise.all([a, b].map((h) => tokenServiceOf(h.server.app).firstProjects.runDue()));
      const first = [...fake.state.projects.values()].find((p) => p.title === 'My First Project');
      assert.equal(first?.running, false, 'stopped');
      assert.equal(fake.calls.filter((c) => c.path === '/api/v2/projects/stop').length, 1, 'stopped once, by one of the two');
      assert.equal(fake.calls.filter((c) => c.path === '/api/v2/auth/sign-in').length, 1, 'one sign-in as the user');
    } finally {
      await a.close();
      await b.close();
      await fake.close();
    }
  });
});

describe('revocation across instances on one PostgreSQL', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator('modern');
  });
  after(() => emu.close());

  it('a token minted by one instance is revoked through the other, and only for the user it was minted for', async () => {
    const [a, b] = await twoInstances(emu);
    try {
      const alice = await a.login('alice');
      const bob = await a.login('bob');
      let res = await a.mint(alice, { path: 'intro.ipynb' });
      while (res.status === 202) {
        await res.body?.cancel();
        res = await a.mint(alice, { path: 'intro.ipynb' });
      }
      const { token } = parseTokenResponse(await res.json());
      assert.ok(await redeemToken(emu.url, 'modern', token), 'the fresh token signs in');
      const foreign = await b.revoke(bob, { token });
      assert.deepEqual(await foreign.json(), { revoked: false }, 'not bob\'s to revoke');
      assert.ok(await redeemToken(emu.url, 'modern', token));
      const own = await b.revoke(alice, { token });
      assert.deepEqual(await own.json(), { revoked: true }, 'the other instance knows the token');
      assert.equal(await redeemToken(emu.url, 'modern', token), null, 'CoCalc refuses it now');
      assert.deepEqual(await (await a.revoke(alice, { token })).json(), { revoked: false }, 'and it is forgotten everywhere');
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('schema migrations on PostgreSQL', () => {
  const env = (url: string) => ({ COCALC_API_KEY: TEST_API_KEY, COCALC_EMBED_DATABASE_URL: url });

  it('instances starting together apply each migration once', async () => {
    const url = await postgres.createDatabase();
    const stores = [new PostgresEmbedStore(url), new PostgresEmbedStore(url), new PostgresEmbedStore(url)];
    try {
      const applied = await Promise.all(stores.map((s) => s.migrate()));
      assert.deepEqual(applied.flat().sort((x, y) => x - y), Array.from({ length: SCHEMA_VERSION }, (_, n) => n + 1));
      assert.deepEqual(await stores[0]!.schemaStatus(), { current: SCHEMA_VERSION, pending: [], unknown: [] });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('with COCALC_EMBED_MIGRATE=manual the server refuses an old schema until `cocalc-embed migrate` ran', async () => {
    const url = await postgres.createDatabase();
    const config = loadConfig({ ...env(url), COCALC_EMBED_MIGRATE: 'manual' });
    await assert.rejects(createStore(config), SchemaBehindError);
    const migrate = () => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'migrate'], { cwd: PACKAGE, env: { PATH: process.env.PATH ?? '', ...env(url) }, encoding: 'utf8' });
    const first = migrate();
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { store: 'postgres', applied: [1, 2, 3], version: SCHEMA_VERSION, needed: SCHEMA_VERSION });
    assert.deepEqual((JSON.parse(migrate().stdout) as { applied: number[] }).applied, [], 'running it again changes nothing');
    const store = await createStore(config);
    await store.close();
  });

  it('a server started on an old schema with COCALC_EMBED_MIGRATE=manual exits with a message naming the command', async () => {
    const url = await postgres.createDatabase();
    const serve = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      cwd: PACKAGE,
      env: { PATH: process.env.PATH ?? '', ...env(url), COCALC_EMBED_MIGRATE: 'manual', PORT: '0' },
      encoding: 'utf8',
    });
    assert.equal(serve.status, 78);
    assert.match(serve.stderr, /cocalc-embed migrate/);
    assert.ok(!serve.stderr.includes(url), 'the connection string is not printed');
  });
});

describe('readiness with PostgreSQL', () => {
  it('/readyz answers 503 while the database cannot be reached, 200 when it can', async () => {
    const config = loadConfig({ COCALC_API_KEY: TEST_API_KEY, COCALC_EMBED_DATABASE_URL: 'postgres://embed@127.0.0.1:1/none' });
    const dead = createTokenApp({ config, store: new PostgresEmbedStore('postgres://embed@127.0.0.1:1/none'), ownStore: true });
    const live = createTokenApp({ config, store: await createStore({ ...config, databaseUrl: await postgres.createDatabase() }), ownStore: true });
    try {
      const down = await dead.fetch(new Request('http://backend/readyz'));
      assert.equal(down.status, 503);
      assert.deepEqual(await down.json(), { status: 'store-unavailable', store: 'postgres' });
      const up = await live.fetch(new Request('http://backend/readyz'));
      assert.equal(up.status, 200);
      assert.equal(((await up.json()) as { store: string }).store, 'postgres');
      assert.equal((await dead.fetch(new Request('http://backend/healthz'))).status, 200, 'liveness does not depend on the database');
    } finally {
      await dead.embed.close();
      await live.embed.close();
    }
  });

  it('createTokenApp refuses to guess a store when a database URL is configured', () => {
    const config = loadConfig({ COCALC_API_KEY: TEST_API_KEY, COCALC_EMBED_DATABASE_URL: 'postgres://embed@127.0.0.1:1/none' });
    assert.throws(() => createTokenApp({ config }), /createStore/);
  });
});

/** A TCP relay to PostgreSQL that the test can cut: every open connection dropped, new ones refused. */
async function startCuttableRelay(target: string): Promise<{ url: string; cut: () => Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const relayed = new URL(target);
  relayed.port = String((server.address() as AddressInfo).port);
  return {
    url: relayed.toString(),
    cut: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('an instance whose database goes away', () => {
  it('keeps minting for users it has provisioned (limits in its own memory meanwhile), and leaves the rotation', async () => {
    const fake = await startFakeCocalc({ generation: 'modern' });
    const relay = await startCuttableRelay(await postgres.createDatabase());
    const h = await startHarness(fake, {
      COCALC_EMBED_DATABASE_URL: relay.url,
      COCALC_EMBED_FIRST_PROJECT: 'keep',
      // Every visit starts the project again, so every mint also records a start.
      COCALC_EMBED_PROJECT_START_TTL_SECONDS: '0',
      COCALC_EMBED_RATE_USER_PER_MIN: '2',
      COCALC_EMBED_RATE_USER_BURST: '2',
    });
    try {
      const alice = await h.login('alice');
      let res = await h.mint(alice, { path: 'intro.ipynb' });
      while (res.status === 202) {
        await res.body?.cancel();
        res = await h.mint(alice, { path: 'intro.ipynb' });
      }
      assert.equal(res.status, 200);
      await res.body?.cancel();
      await relay.cut();
      assert.equal((await h.server.app.fetch(new Request('http://backend/readyz'))).status, 503, 'not ready without its database');
      const during = await h.mint(alice, { path: 'intro.ipynb' });
      assert.equal(during.status, 200, 'a provisioned user still gets a token');
      parseTokenResponse(await during.json());
      // The fallback budget starts afresh in memory: the burst of 2 once more, then refusals.
      const second = await h.mint(alice, { path: 'intro.ipynb' });
      assert.equal(second.status, 200);
      await second.body?.cancel();
      const limited = await h.mint(alice, { path: 'intro.ipynb' });
      assert.equal(limited.status, 429, 'the per-user limit still holds, counted in memory');
      await limited.body?.cancel();
      const logs = h.logs.join('\n');
      assert.match(logs, /could not record a project start/);
      assert.match(logs, /could not record a minted token for revocation/);
      assert.ok(!logs.includes(relay.url), 'the database URL is never logged');
    } finally {
      await h.close();
      await fake.close();
    }
  });
});
