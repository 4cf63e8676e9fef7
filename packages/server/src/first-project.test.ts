import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { parseTokenResponse } from '@cocalc-embed/protocol';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { tokenServiceOf } from './token-app.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { GENERATIONS } from './test-support/upstream.js';
import { waitFor } from './test-support/wait-for.js';

/** The fake's "My First Project" of the account with this e-mail. */
function firstProjectOf(fake: FakeCocalc, accountId: string) {
  return [...fake.state.projects.values()].find((p) => p.owner === accountId && p.title === 'My First Project');
}

for (const generation of GENERATIONS) {
  describe(`the project CoCalc creates at sign-up (${generation})`, () => {
    let fake: FakeCocalc;
    let h: Harness;
    let offset = 0;
    const now = () => Date.now() + offset;
    /** Moves the backend's clock past the next clean-up attempt and runs the due ones. */
    const later = async (ms: number) => {
      offset += ms;
      await tokenServiceOf(h.server.app).firstProjects.runDue();
    };
    const accountOf = async (user: string) => (await h.server.app.embed.store.getAccount(h.config.cocalcUrl, user))!;

    before(async () => {
      fake = await startFakeCocalc({ generation });
      fake.firstProjectOnSignUp = true;
    });
    afterEach(async () => {
      fake.refuseSignIn = false;
      await h?.close();
    });
    after(() => fake.close());

    it('is stopped by default after the sign-up, as the user it belongs to, and the stop is confirmed once more', async () => {
      h = await startHarness(fake, {}, undefined, { now });
      const res = await h.mint(await h.login('alice'), { path: 'intro.ipynb' });
      parseTokenResponse(await res.json());
      const account = await accountOf('alice');
      const first = firstProjectOf(fake, account.accountId);
      assert.ok(first?.running, 'CoCalc made and started it');
      await later(3_000);
      assert.equal(first.running, false, 'stopped');
      assert.equal(first.deleted, false);
      const signIns = fake.calls.filter((c) => c.path === '/api/v2/auth/sign-in');
      assert.equal(signIns.at(-1)?.body.email, account.email, 'signed in as its owner');
      first.running = true; // CoCalc was still starting it when the stop came
      await later(31_000);
      assert.equal(first.running, false, 'the confirming stop caught it');
      const stops = fake.calls.filter((c) => c.path === '/api/v2/projects/stop').length;
      await later(120_000);
      assert.equal(fake.calls.filter((c) => c.path === '/api/v2/projects/stop').length, stops, 'then the job is done');
      assert.ok(!h.logs.join('\n').includes(account.password), 'the password never reaches the log');
      const ours = [...fake.state.projects.values()].filter((p) => p.collaborators.has(account.accountId) && p.title !== 'My First Project');
      assert.equal(ours.length, 1);
      assert.equal(ours[0]!.deleted, false, 'our own project is left alone');
    });

    it('COCALC_EMBED_FIRST_PROJECT=delete deletes it instead', async () => {
      h = await startHarness(fake, { COCALC_EMBED_FIRST_PROJECT: 'delete' }, undefined, { now });
      assert.equal((await h.mint(await h.login('bob'), { path: 'intro.ipynb' })).status, 200);
      const first = firstProjectOf(fake, (await accountOf('bob')).accountId)!;
      await later(3_000);
      assert.equal(first.deleted, true);
      assert.equal(first.running, false);
    });

    it('COCALC_EMBED_FIRST_PROJECT=keep leaves it running and never signs in as the user', async () => {
      h = await startHarness(fake, { COCALC_EMBED_FIRST_PROJECT: 'keep' }, undefined, { now });
      const from = fake.calls.length;
      assert.equal((await h.mint(await h.login('carol'), { path: 'intro.ipynb' })).status, 200);
      await later(60_000);
      assert.equal(firstProjectOf(fake, (await accountOf('carol')).accountId)!.running, true);
      assert.equal(fake.calls.slice(from).filter((c) => c.path === '/api/v2/auth/sign-in').length, 0);
    });

    it('a failing clean-up never fails the visit: it is logged and retried later, also by the next process', async () => {
      h = await startHarness(fake, { COCALC_EMBED_DEMO_USERS: 'dora' }, undefined, { now });
      fake.refuseSignIn = true;
      const res = await h.mint(await h.login('dora'), { path: 'intro.ipynb' });
      assert.equal(res.status, 200);
      const account = await accountOf('dora');
      await later(3_000);
      assert.ok(h.logs.some((l) => l.includes('will retry')), 'logged');
      assert.equal(firstProjectOf(fake, account.accountId)!.running, true);
      // A restart picks the recorded job up.
      const dataDir = h.dataDir;
      await h.server.close();
      fake.refuseSignIn = false;
      h = await startHarness(fake, { COCALC_EMBED_DEMO_USERS: 'dora' }, dataDir, { now });
      await later(10 * 60_000);
      await waitFor('the stop', () => !firstProjectOf(fake, account.accountId)!.running);
    });

    it('an account without a sign-up project is looked at a few times, then left alone', async () => {
      fake.firstProjectOnSignUp = false;
      try {
        h = await startHarness(fake, { COCALC_EMBED_DEMO_USERS: 'eve' }, undefined, { now });
        assert.equal((await h.mint(await h.login('eve'), { path: 'intro.ipynb' })).status, 200);
        for (let i = 0; i < 6; i += 1) await later(20 * 60_000);
        const cleanup = await h.server.app.embed.store.dueFirstProjectCleanups(h.config.cocalcUrl, Number.MAX_SAFE_INTEGER, 10);
        assert.deepEqual(cleanup, [], 'no job left pending');
        const email = (await accountOf('eve')).email;
        assert.equal(fake.calls.filter((c) => c.path === '/api/v2/auth/sign-in' && c.body.email === email).length, 3, 'three looks');
      } finally {
        fake.firstProjectOnSignUp = true;
      }
    });
  });
}
