import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseTokenResponse } from '@cocalc-embed/protocol';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { GENERATIONS } from './test-support/upstream.js';

for (const generation of GENERATIONS) {
  describe(`provisioning resumes without duplicates when CoCalc's answer is lost (${generation})`, () => {
    let fake: FakeCocalc;
    let h: Harness;
    const signUp = generation === 'classic' ? '/api/v1/create_account' : '/api/v2/auth/sign-up';
    const create = generation === 'classic' ? '/api/v1/create_project' : '/api/v2/projects/create';

    before(async () => {
      fake = await startFakeCocalc({ generation });
      h = await startHarness(fake, { COCALC_EMBED_FIRST_PROJECT: 'keep' });
    });
    after(async () => {
      await h.close();
      await fake.close();
    });

    it('an account CoCalc created before the answer was lost is found again, not made twice', async () => {
      const alice = await h.login('alice');
      fake.dropAnswerOnce.add(signUp);
      const lost = await h.mint(alice, { path: 'intro.ipynb' });
      assert.equal(lost.status, 503, 'the lost answer is a failed request');
      await lost.body?.cancel();
      assert.equal(fake.state.accounts.size, 1, 'CoCalc did create the account');
      const res = await h.mint(alice, { path: 'intro.ipynb' });
      const body = parseTokenResponse(await res.json());
      assert.equal(fake.state.accounts.size, 1, 'the retry found it');
      const account = await h.server.app.embed.store.getAccount(h.config.cocalcUrl, 'alice');
      assert.equal(account?.accountId, [...fake.state.accounts.keys()][0]);
      assert.equal(fake.state.tokens.get(body.token), account?.accountId);
      assert.ok(!h.logs.join('\n').includes(account!.password), 'the password is never logged');
    });

    it('a project CoCalc created before the answer was lost is found by its recorded title, not made twice, and shared', async () => {
      const bob = await h.login('bob');
      const before = fake.calls.filter((c) => c.path === create).length;
      fake.dropAnswerOnce.add(create);
      const lost = await h.mint(bob, { path: 'intro.ipynb' });
      assert.equal(lost.status, 503);
      await lost.body?.cancel();
      const res = await h.mint(bob, { path: 'intro.ipynb' });
      const { projectId } = parseTokenResponse(await res.json());
      assert.equal(fake.calls.filter((c) => c.path === create).length, before + 1, 'one creation');
      assert.ok(fake.calls.some((c) => c.path === '/api/v2/projects/get'), 'looked up in the key owner\'s project list');
      const bobs = [...fake.state.projects.values()].filter((p) => p.title.includes('(bob)'));
      assert.equal(bobs.length, 1);
      const account = await h.server.app.embed.store.getAccount(h.config.cocalcUrl, 'bob');
      assert.ok(fake.state.projects.get(projectId)!.collaborators.has(account!.accountId), 'shared with bob');
    });
  });
}
