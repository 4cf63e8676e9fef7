import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEmulator, type TestEmulator } from './test-emulator.js';

for (const generation of ['classic', 'modern'] as const) {
  describe(`v2 sign-in and project list (${generation})`, () => {
    let emu: TestEmulator;
    before(async () => {
      emu = await startTestEmulator({ generation });
    });
    after(() => emu.dispose());
    const call = async (path: string, body: unknown, auth: string | null, cookie?: string) => {
      const res = await emu.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
      return { res, body: (await res.json()) as unknown };
    };

    test('auth/sign-in answers {account_id} with a remember_me session that acts as that user', async () => {
      const { accountId } = await emu.admin.createAccount({ email: 'si@example.com', password: 'pw-123456' });
      const { res, body } = await call('/api/v2/auth/sign-in', { email: 'si@example.com', password: 'pw-123456' }, null);
      assert.deepEqual(body, { account_id: accountId });
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('remember_me='))!;
      assert.match(cookie, /httponly/);
      const { projectId } = await emu.admin.createProject({ ownerAccountId: accountId, title: 'My First Project' });
      const list = await call('/api/v2/projects/get', {}, null, cookie.split(';')[0]);
      assert.deepEqual(list.body, [{ project_id: projectId, title: 'My First Project', description: '', name: null }]);
      assert.deepEqual((await call('/api/v2/projects/stop', { project_id: projectId }, null, cookie.split(';')[0])).body, { status: 'ok' });
    });

    test('auth/sign-in refuses a wrong password or an unknown address with CoCalc\'s texts', async () => {
      await emu.admin.createAccount({ email: 'wp@example.com', password: 'pw-123456' });
      assert.deepEqual((await call('/api/v2/auth/sign-in', { email: 'wp@example.com', password: 'nope-nope' }, null)).body, {
        error: "Problem signing into account -- Error: password for 'wp@example.com' is incorrect.",
      });
      assert.deepEqual((await call('/api/v2/auth/sign-in', { email: 'nobody@example.com', password: 'x' }, null)).body, {
        error: "Problem signing into account -- Error: no account with email address 'nobody@example.com'.",
      });
    });

    test('projects/get lists the API key owner\'s projects, newest first, up to limit; unauthenticated is an error', async () => {
      const a = (await call('/api/v2/projects/create', { title: 'list-a' }, `Bearer ${emu.apiKey}`)).body as { project_id: string };
      const b = (await call('/api/v2/projects/create', { title: 'list-b' }, `Bearer ${emu.apiKey}`)).body as { project_id: string };
      const list = (await call('/api/v2/projects/get', { limit: 2 }, `Bearer ${emu.apiKey}`)).body as Array<{ project_id: string; title: string }>;
      assert.deepEqual(list.map((p) => p.project_id), [b.project_id, a.project_id]);
      assert.deepEqual((await call('/api/v2/projects/get', {}, null)).body, { error: 'must be authenticated' });
    });
  });
}

describe('API v1 user_search (classic)', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ generation: 'classic' });
  });
  after(() => emu.dispose());

  test('an e-mail query finds exactly that account, with its address; a name query finds by prefix without it', async () => {
    const { accountId } = await emu.admin.createAccount({ email: 'Find.Me@example.com', firstName: 'Findme', lastName: 'Person', password: 'pw-123456' });
    const res = await emu.request('/api/v1/user_search', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${emu.apiKey}` },
      body: JSON.stringify({ query: 'find.me@example.com' }),
    });
    const body = (await res.json()) as { event: string; results: unknown[] };
    assert.equal(body.event, 'user_search_results');
    assert.deepEqual(body.results, [{ account_id: accountId, first_name: 'Findme', last_name: 'Person', email_address: 'find.me@example.com' }]);
    const byName = await emu.request('/api/v1/user_search', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${emu.apiKey}` },
      body: JSON.stringify({ query: 'findm' }),
    });
    assert.deepEqual(((await byName.json()) as { results: unknown[] }).results, [{ account_id: accountId, first_name: 'Findme', last_name: 'Person' }]);
    const missing = await emu.request('/api/v1/user_search', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${emu.apiKey}` },
      body: JSON.stringify({}),
    });
    assert.equal(missing.status, 400, 'query is required');
  });
});
