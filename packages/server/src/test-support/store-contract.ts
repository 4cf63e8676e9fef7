import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EmbedStore, ProjectIntent } from '../embed-store.js';
import { SCHEMA_VERSION } from '../migrations.js';

const SITE = 'https://cocalc.example';

/** Resolves when `promise` does, or fails the test after `ms` with `what` (no timing assertion: a hang guard). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not happen`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The behaviour every {@link EmbedStore} must have, whatever it is built on. `open` returns a fresh,
 * empty, migrated store for each test.
 */
export function describeStoreContract(name: string, open: () => Promise<EmbedStore>): void {
  describe(`EmbedStore contract: ${name}`, () => {
    let store: EmbedStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('is at this build\'s schema version, and migrating again applies nothing', async () => {
      assert.deepEqual(await store.schemaStatus(), { current: SCHEMA_VERSION, pending: [], unknown: [] });
      assert.deepEqual(await store.migrate(), []);
      await store.ping();
    });

    it('keeps the first account written for a user; a later write gets the stored one back', async () => {
      assert.equal(await store.getAccount(SITE, 'alice'), undefined);
      const first = { site: SITE, userId: 'alice', accountId: 'acc-1', password: 'pw-1', email: 'a1@x.invalid', createdAt: 1_700_000_000_000 };
      assert.deepEqual(await store.putAccount(first), first);
      const second = await store.putAccount({ ...first, accountId: 'acc-2', password: 'pw-2' });
      assert.deepEqual(second, first, 'insert-if-absent: the winner stays');
      assert.deepEqual(await store.getAccount(SITE, 'alice'), first);
      assert.equal(await store.getAccount('https://other.example', 'alice'), undefined, 'mappings never cross sites');
    });

    it('keeps the first project per (user, key) and records seeding and starts', async () => {
      const p = { site: SITE, userId: 'bob', projectKey: 'default', projectId: 'p-1', seededAt: null, startedAt: null, createdAt: 5 };
      assert.deepEqual(await store.putProject(p), p);
      assert.deepEqual(await store.putProject({ ...p, projectId: 'p-2' }), p);
      await store.markSeeded(SITE, 'bob', 'default', 10);
      await store.markStarted(SITE, 'bob', 'default', 11);
      assert.deepEqual(await store.getProject(SITE, 'bob', 'default'), { ...p, seededAt: 10, startedAt: 11 });
      assert.equal(await store.getProject(SITE, 'bob', 'lab'), undefined);
    });

    it('keeps the first account intent; concurrent writers all get that one', async () => {
      const intents = Array.from({ length: 8 }, (_, n) => ({ site: SITE, userId: 'carol', email: `c${n}@x.invalid`, password: `pw${n}`, createdAt: n }));
      const stored = await Promise.all(intents.map((i) => store.putAccountIntent(i)));
      assert.equal(new Set(stored.map((s) => s.email)).size, 1, 'one intent won');
      assert.deepEqual(await store.getAccountIntent(SITE, 'carol'), stored[0]);
    });

    it('caps project intents per user atomically, counts records and intents once each, and returns an existing intent at the cap', async () => {
      const intent = (key: string): ProjectIntent => ({ site: SITE, userId: 'dan', projectKey: key, title: `${key} [t]`, createdAt: 1 });
      await store.putProject({ site: SITE, userId: 'dan', projectKey: 'default', projectId: 'p-d', seededAt: 1, startedAt: 1, createdAt: 1 });
      await store.putProjectIntent(intent('default'), 3); // a record and its intent: one project
      assert.equal(await store.countUserProjects(SITE, 'dan'), 1);
      const keys = ['a', 'b', 'c', 'd', 'e'];
      const results = await Promise.all(keys.map((k) => store.putProjectIntent(intent(k), 3)));
      assert.equal(results.filter(Boolean).length, 2, 'only two more fit under a cap of 3');
      assert.equal(await store.countUserProjects(SITE, 'dan'), 3);
      const taken = results.find(Boolean)!;
      assert.deepEqual(await store.putProjectIntent({ ...taken, title: 'other' }, 3), taken, 'an existing intent is returned even at the cap');
      assert.ok(await store.putProjectIntent({ ...intent('x'), userId: 'erin' }, 3), 'the cap is per user');
      assert.ok(await store.putProjectIntent(intent('no-cap')), 'without a cap any number fit');
    });

    it('lists due sign-up project clean-ups of its site, oldest first, and drops finished ones', async () => {
      const job = (userId: string, nextAt: number, site = SITE) => ({ site, userId, accountId: `acc-${userId}`, state: 'pending' as const, attempts: 0, nextAt });
      await store.putFirstProjectCleanup(job('u2', 200));
      await store.putFirstProjectCleanup(job('u1', 100));
      await store.putFirstProjectCleanup(job('u3', 900));
      await store.putFirstProjectCleanup(job('u4', 50, 'https://other.example'));
      await store.putFirstProjectCleanup({ ...job('u1', 1), attempts: 7 }); // insert-if-absent
      assert.deepEqual((await store.dueFirstProjectCleanups(SITE, 500, 10)).map((j) => [j.userId, j.attempts]), [['u1', 0], ['u2', 0]]);
      await store.updateFirstProjectCleanup(SITE, 'u1', 'confirming', 1, 300);
      await store.updateFirstProjectCleanup(SITE, 'u2', 'stopped', 1, 0);
      const due = await store.dueFirstProjectCleanups(SITE, 1_000, 10);
      assert.deepEqual(due.map((j) => [j.userId, j.state, j.attempts]), [['u1', 'confirming', 1], ['u3', 'pending', 0]]);
      assert.equal((await store.dueFirstProjectCleanups(SITE, 1_000, 1)).length, 1, 'the limit holds');
    });

    it('remembers minted tokens by digest until forgotten or expired', async () => {
      await store.rememberToken('d1', { userId: 'alice', expiresAt: 1_000 });
      await store.rememberToken('d2', { userId: 'bob', expiresAt: 5_000 });
      assert.deepEqual(await store.findToken('d1'), { userId: 'alice', expiresAt: 1_000 });
      await store.rememberToken('d1', { userId: 'alice', expiresAt: 2_000 });
      assert.deepEqual(await store.findToken('d1'), { userId: 'alice', expiresAt: 2_000 }, 'a digest seen again is refreshed');
      assert.equal(await store.pruneTokens(3_000), 1);
      assert.equal(await store.findToken('d1'), undefined, 'expired ones are pruned');
      await store.forgetToken('d2');
      assert.equal(await store.findToken('d2'), undefined);
      assert.equal(await store.findToken('never'), undefined);
    });

    it('runs exclusive sections with the same key one at a time, and releases a section that threw', async () => {
      let active = 0;
      let most = 0;
      const order: number[] = [];
      const section = (n: number) =>
        store.exclusive('same-key', async () => {
          active += 1;
          most = Math.max(most, active);
          await new Promise((r) => setImmediate(r));
          await store.getAccount(SITE, 'nobody'); // a real query while holding the section
          order.push(n);
          active -= 1;
          if (n === 2) throw new Error('boom');
          return n;
        });
      const results = await Promise.allSettled([1, 2, 3, 4].map(section));
      assert.equal(most, 1, 'never two at once');
      assert.equal(order.length, 4);
      assert.equal(results[1]!.status, 'rejected', 'the section\'s error reaches its caller');
      assert.deepEqual(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value).sort(), [1, 3, 4]);
    });

    it('runs exclusive sections with different keys side by side', async () => {
      let bEntered!: () => void;
      const entered = new Promise<void>((r) => (bEntered = r));
      const a = store.exclusive('key-a', () => within(entered, 10_000, 'a section with another key starting meanwhile'));
      const b = store.exclusive('key-b', async () => bEntered());
      await Promise.all([a, b]);
    });

    it('rate-limits per key and per name: a burst passes, then a refusal says when to retry', async () => {
      const limit = store.rateLimit('contract', { perMinute: 6, burst: 3 });
      for (let n = 0; n < 3; n++) assert.equal((await limit.take('k1')).allowed, true, `call ${n + 1} of the burst`);
      const refused = await limit.take('k1');
      assert.equal(refused.allowed, false);
      assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 30, `retry after ${refused.retryAfterSeconds} s`);
      assert.equal((await limit.take('k2')).allowed, true, 'another key has its own budget');
      assert.equal((await store.rateLimit('contract-other', { perMinute: 6, burst: 3 }).take('k1')).allowed, true, 'another name has its own budget');
    });

    it('counts accounts and projects', async () => {
      await store.putAccount({ site: SITE, userId: 'u', accountId: 'a', password: 'p', email: 'e', createdAt: 1 });
      await store.putProject({ site: SITE, userId: 'u', projectKey: 'k1', projectId: 'p1', seededAt: null, startedAt: null, createdAt: 1 });
      await store.putProject({ site: SITE, userId: 'u', projectKey: 'k2', projectId: 'p2', seededAt: null, startedAt: null, createdAt: 1 });
      assert.deepEqual(await store.counts(), { accounts: 1, projects: 2 });
    });
  });
}
