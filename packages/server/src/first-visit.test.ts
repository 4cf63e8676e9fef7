import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { parseApiErrorBody, parseProvisioningResponse, parseTokenResponse } from '@cocalc-embed/protocol';
import { GENERATIONS } from './test-support/upstream.js';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { latch, waitFor } from './test-support/wait-for.js';

/** Every harness here leaves CoCalc's sign-up project alone (that has its own tests) and knows six users. */
const BASE = { COCALC_EMBED_FIRST_PROJECT: 'keep', COCALC_EMBED_DEMO_USERS: 'alice,bob,carol,dave,erin,frank' };

/** Paths of the calls the fake saw, in order. */
const paths = (fake: FakeCocalc) => fake.calls.map((c) => c.path.replace(/^\/api\//, '') + (typeof c.body.name === 'string' ? ` ${c.body.name}` : ''));

for (const generation of GENERATIONS) {
  describe(`a slow first visit (${generation})`, () => {
    let fake: FakeCocalc;
    let h: Harness;
    const createPath = generation === 'classic' ? '/api/v1/create_project' : '/api/v2/projects/create';
    const mintPath = generation === 'classic' ? '/api/v1/user_auth' : '/api/conat/hub';

    before(async () => {
      fake = await startFakeCocalc({ generation });
    });
    afterEach(async () => {
      fake.gate = undefined;
      await h?.close();
    });
    after(() => fake.close());

    it('answers 202 with Retry-After while provisioning goes on, joins it on the next request, and mints only when asked after it is done', async () => {
      h = await startHarness(fake, { COCALC_EMBED_PROVISION_WAIT_MS: '200', ...BASE });
      const cookie = await h.login('alice');
      const hold = latch();
      fake.gate = (path) => (path === createPath ? hold.promise : Promise.resolve());
      const callsBefore = fake.calls.length;

      const first = await h.mint(cookie, { path: 'intro.ipynb' });
      assert.equal(first.status, 202);
      assert.equal(first.headers.get('retry-after'), '2');
      assert.equal(first.headers.get('cache-control'), 'no-store');
      assert.deepEqual(parseProvisioningResponse(await first.json()), { status: 'provisioning', retryAfter: 2 });

      const second = await h.mint(cookie, { path: 'intro.ipynb' });
      assert.equal(second.status, 202, 'still provisioning');
      await second.body?.cancel();
      const newCalls = () => fake.calls.slice(callsBefore).map((c) => c.path);
      assert.equal(newCalls().filter((p) => p === createPath).length, 1, 'the second request joined the first provisioning');
      assert.equal(fake.state.tokens.size, 0, 'no token was minted for an answer that carries none');

      hold.release();
      // Provisioning finishes in the background, with no request waiting for it.
      await waitFor('provisioning to finish', () => h.server.app.embed.store.getProject(h.config.cocalcUrl, 'alice', 'default').then((p) => p?.seededAt));
      assert.equal(fake.state.tokens.size, 0, 'still no token: nobody asked');

      const third = await h.mint(cookie, { path: 'intro.ipynb' });
      assert.equal(third.status, 200);
      parseTokenResponse(await third.json());
      assert.equal(fake.state.tokens.size, 1);
      assert.equal(newCalls().filter((p) => p === createPath).length, 1, 'one project, however many requests');
    });

    it('starts the project before its files are written, and writes them meanwhile', async () => {
      h = await startHarness(fake, { ...BASE });
      const from = fake.calls.length;
      const res = await h.mint(await h.login('bob'), { path: 'intro.ipynb' });
      assert.equal(res.status, 200);
      const order = paths(fake).slice(from);
      const start = order.findIndex((p) => (generation === 'classic' ? p === 'v1/project_exec' : p === 'v2/projects/start'));
      const write = order.findIndex((p) => /write_text_file_to_project|write-text-file/.test(p));
      assert.ok(start >= 0 && write >= 0, order.join(', '));
      assert.ok(start < write, `start was sent before the first write: ${order.join(', ')}`);
    });

    it('a project start that outlasts the upstream timeout does not fail the visit', async () => {
      h = await startHarness(fake, { COCALC_UPSTREAM_TIMEOUT_MS: '300', ...BASE });
      const startPath = generation === 'classic' ? '/api/v1/project_exec' : '/api/v2/projects/start';
      const never = latch();
      fake.gate = (path) => (path === startPath ? never.promise : Promise.resolve());
      try {
        const res = await h.mint(await h.login('carol'), { path: 'intro.ipynb' });
        const text = await res.text();
        assert.equal(res.status, 200, text);
        parseTokenResponse(JSON.parse(text));
        assert.ok(h.logs.some((l) => l.includes('project start still in progress')));
      } finally {
        never.release();
      }
    });

    it('does not mint for a client that went away during provisioning', async () => {
      h = await startHarness(fake, { ...BASE });
      const cookie = await h.login('dave');
      const hold = latch();
      fake.gate = (path) => (path === createPath ? hold.promise : Promise.resolve());
      const from = fake.calls.length;
      const abort = new AbortController();
      const pending = h.mint(cookie, { path: 'intro.ipynb' }, {}, abort.signal).catch((e: Error) => e);
      await waitFor('the project creation to reach CoCalc', () => fake.calls.slice(from).some((c) => c.path === createPath));
      abort.abort();
      assert.ok((await pending) instanceof Error);
      await waitFor('the backend to see the client go', () => h.logs.some((l) => l.includes('client closed the connection')));
      hold.release();
      await waitFor('the request to end', () => h.server.app.embed.inFlight === 0);
      const minted = fake.calls.slice(from).filter((c) => c.path === mintPath && (generation === 'classic' || c.body.name === 'system.generateUserAuthToken'));
      assert.equal(minted.length, 0, 'no token was minted for nobody');
      assert.ok(await h.server.app.embed.store.getProject(h.config.cocalcUrl, 'dave', 'default'), 'provisioning still finished');
    });

    if (generation === 'modern') {
      it('revokes a token minted for a client that went away before it was delivered', async () => {
        h = await startHarness(fake, { ...BASE });
        const cookie = await h.login('erin');
        assert.equal((await h.mint(cookie, { path: 'a.ipynb' })).status, 200); // provisioned
        const hold = latch();
        fake.gate = (_path, body) => (body.name === 'system.generateUserAuthToken' ? hold.promise : Promise.resolve());
        const from = fake.calls.length;
        const abort = new AbortController();
        const pending = h.mint(cookie, { path: 'a.ipynb' }, {}, abort.signal).catch((e: Error) => e);
        await waitFor('the mint to reach CoCalc', () => fake.calls.slice(from).some((c) => c.body.name === 'system.generateUserAuthToken'));
        abort.abort();
        assert.ok((await pending) instanceof Error);
        const tokensBefore = new Set(fake.state.tokens.keys());
        await waitFor('the backend to see the client go', () => h.logs.some((l) => l.includes('client closed the connection')));
        hold.release();
        await waitFor('the undelivered token to be revoked', () => fake.state.expired.size > 0);
        const minted = [...fake.state.tokens.keys()].filter((t) => !tokensBefore.has(t) || fake.state.expired.has(t));
        assert.equal(minted.length, 1);
        assert.ok(fake.state.expired.has(minted[0]!), 'the token nobody received is expired in CoCalc');
        assert.ok(!h.logs.join('\n').includes(minted[0]!), 'and never logged');
      });
    }

    it('a provisioning failure after a 202 is logged and the next request starts afresh', async () => {
      h = await startHarness(fake, { COCALC_EMBED_PROVISION_WAIT_MS: '100', ...BASE });
      const cookie = await h.login('frank');
      const hold = latch();
      fake.gate = (path) => (path === createPath ? hold.promise : Promise.resolve());
      fake.dropAnswerOnce.add(createPath);
      assert.equal((await h.mint(cookie, { path: 'x.ipynb' })).status, 202);
      hold.release();
      await waitFor('the failure to be logged', () => h.logs.some((l) => l.includes('provisioning failed')));
      fake.gate = undefined;
      const res = await h.mint(cookie, { path: 'x.ipynb' });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(parseApiErrorBody(body)));
    });
  });
}
