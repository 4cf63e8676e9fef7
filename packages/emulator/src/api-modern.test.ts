import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basicAuth, startTestEmulator, type TestEmulator } from './test-emulator.js';

describe('modern generation: v2, conat hub/project, no v1', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ generation: 'modern', publicUrl: 'https://cocalc.example.test' });
  });
  after(() => emu.dispose());

  const call = async (path: string, body: unknown, auth: string | null = `Bearer ${emu.apiKey}`) => {
    const res = await emu.post(path, body, auth);
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const hub = (name: string, arg: unknown, auth?: string | null) => call('/api/conat/hub', { name, args: [arg] }, auth);

  test('API v1 is gone: every /api/v1 path is the Next.js 404 page', async () => {
    const res = await emu.post('/api/v1/ping', {});
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });

  test('the modern backend flow (docs/cocalc-protocol.md#backend-flows): sign-up, create, add collaborator, write, copy, start, exec, token, impersonate', async () => {
    const signUp = await call('/api/v2/auth/sign-up', { email: 'm@example.com', password: 'pw-123456', firstName: 'M', lastName: 'N', terms: true });
    const accountId = (signUp.body as { account_id: string }).account_id;
    assert.match(accountId, /^[0-9a-f-]{36}$/);
    const { project_id: a } = (await call('/api/v2/projects/create', { title: 'A' })).body as { project_id: string };
    const { project_id: b } = (await call('/api/v2/projects/create', { title: 'B' }, basicAuth(emu.apiKey))).body as { project_id: string };
    assert.deepEqual((await call('/api/v2/projects/collaborators/add', { project_id: b, account_id: accountId })).body, { status: 'ok' });
    assert.deepEqual((await call('/api/v2/projects/write-text-file', { project_id: a, path: 'x/n.ipynb', content: 'N' })).body, { status: 'ok' });
    assert.deepEqual((await call('/api/v2/projects/copy-path', { src_project_id: a, path: 'x', target_project_id: b })).body, { copy_id: '' });
    assert.equal(await emu.admin.readFile(b, 'x/n.ipynb'), 'N');
    assert.deepEqual((await call('/api/v2/projects/start', { project_id: b })).body, { status: 'ok' });
    assert.deepEqual((await call('/api/v2/projects/stop', { project_id: b })).body, { status: 'ok' });
    assert.deepEqual((await call('/api/v2/exec', { project_id: b, command: 'cat', args: ['x/n.ipynb'] })).body, {
      stdout: 'N',
      stderr: '',
      exit_code: 0,
      type: 'blocking',
    });
    const token = (await hub('system.generateUserAuthToken', { user_account_id: accountId })).body;
    assert.match(String(token), /^[A-Za-z0-9]{24}$/);
    const imp = await emu.request(`/auth/impersonate?auth_token=${String(token)}`);
    assert.deepEqual(imp.headers.getSetCookie().map((c) => c.split('=')[0]), ['account_id', 'remember_me', 'connect.sid']);
  });

  test('v2 errors are HTTP 200 {error}', async () => {
    assert.deepEqual(await call('/api/v2/projects/create', { title: 'x' }, null), { status: 200, body: { error: 'must be signed in' } });
    assert.deepEqual(await call('/api/v2/projects/create', { title: 'x' }, 'Bearer sk-not-a-key'), { status: 200, body: { error: 'must be signed in' } });
    const missing = await call('/api/v2/projects/write-text-file', { project_id: '00000000-0000-4000-8000-000000000000', path: 'a', content: 'b' });
    assert.equal(missing.status, 200);
    assert.match((missing.body as { error: string }).error, /does not have write access/);
    const { project_id } = (await call('/api/v2/projects/create', {})).body as { project_id: string };
    const exec = await call('/api/v2/exec', { project_id, command: 'false' });
    assert.equal(exec.status, 200);
    assert.match((exec.body as { error: string }).error, /exited with nonzero code 1/);
  });

  test('v2 sign-up reports issues and refuses non-admin keys', async () => {
    const issues = (await call('/api/v2/auth/sign-up', { email: 'bad', password: '1', terms: false }, null)).body as { issues: object };
    assert.deepEqual(Object.keys(issues.issues).sort(), ['email', 'password', 'terms']);
    const { accountId } = await emu.admin.createAccount({ email: 'plain@example.com', password: 'pw-123456' });
    const userToken = (await hub('system.generateUserAuthToken', { user_account_id: accountId })).body as string;
    const imp = await emu.request(`/auth/impersonate?auth_token=${userToken}`);
    const cookie = imp.headers.getSetCookie().find((c) => c.startsWith('remember_me='))!.split(';')[0]!;
    // The cookie takes precedence over the (admin) key: a plain user may not create accounts.
    const res = await emu.request('/api/v2/auth/sign-up', {
      method: 'POST',
      headers: { cookie, authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'z@example.com', password: 'pw-123456', terms: true }),
    });
    const body = (await res.json()) as { issues: { api: string } };
    assert.match(body.issues.api, /^Error: /);
    const byAdmin = (await call('/api/v2/auth/sign-up', { email: 'z@example.com', password: 'pw-123456', terms: true })).body as { account_id: string };
    assert.match(byAdmin.account_id, /^[0-9a-f-]{36}$/, 'the same sign-up with the admin key alone works');
  });

  test('conat hub: API key only — cookies alone and unknown keys get the recorded errors', async () => {
    const { accountId } = await emu.admin.createAccount({});
    const token = (await hub('system.generateUserAuthToken', { user_account_id: accountId })).body as string;
    const cookie = (await emu.request(`/auth/impersonate?auth_token=${token}`)).headers.getSetCookie()[0]!.split(';')[0]!;
    const res = await emu.request('/api/conat/hub', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'projects.createProject', args: [{ title: 'x' }] }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { error: 'You must provide authentication via an API key.' });
    assert.deepEqual((await hub('projects.createProject', { title: 'x' }, 'Bearer sk-nobody-has-this-key')).body, {
      error: 'must be signed in and MUST provide an api key (cookies are not allowed)',
    });
    assert.deepEqual((await hub('projects.createProject', { title: 'x' }, null)).body, { error: 'You must provide authentication via an API key.' });
  });

  test('org.createToken needs an org member; org.expireToken kills the token; revokeUserAuthToken too', async () => {
    const { accountId } = await emu.admin.createAccount({ email: 'no-org@example.com' });
    assert.deepEqual((await hub('org.createToken', { user: accountId })).body, { error: 'Error: user is not in an org' });
    const member = (await hub('org.createUser', { name: 'acme', email: 'member@example.com', firstName: 'M', lastName: 'O' })).body as string;
    const created = (await hub('org.createToken', { user: 'member@example.com' })).body as { token: string; url: string };
    assert.match(created.token, /^[A-Za-z0-9]{24}$/);
    assert.equal(created.url, `https://cocalc.example.test/auth/impersonate?auth_token=${created.token}`);
    assert.equal((await emu.request(`/auth/impersonate?auth_token=${created.token}`)).headers.getSetCookie().length, 3);
    assert.deepEqual((await hub('org.expireToken', { token: created.token })).body, null);
    assert.match(await (await emu.request(`/auth/impersonate?auth_token=${created.token}`)).text(), /unknown or expired token/);
    const t2 = (await hub('system.generateUserAuthToken', { user_account_id: member })).body as string;
    assert.deepEqual((await call('/api/conat/hub', { name: 'system.revokeUserAuthToken', args: [t2] })).body, null);
    assert.match(await (await emu.request(`/auth/impersonate?auth_token=${t2}`)).text(), /unknown or expired token/);
  });

  test('conat hub projects.* and conat project system.*', async () => {
    const { accountId } = await emu.admin.createAccount({});
    const a = (await hub('projects.createProject', { title: 'A' })).body as string;
    const b = (await hub('projects.createProject', { title: 'B' })).body as string;
    assert.deepEqual((await hub('projects.addCollaborator', { opts: { project_id: a, account_id: accountId } })).body, null);
    const project = (name: string, arg: unknown, pid = a) => call('/api/conat/project', { project_id: pid, name, args: [arg] });
    assert.deepEqual((await project('system.writeTextFileToProject', { path: 'f.txt', content: 'hi' })).body, null);
    assert.deepEqual((await project('system.readTextFileFromProject', { path: 'f.txt' })).body, 'hi');
    assert.deepEqual((await project('system.exec', { command: 'ls' })).body, { stdout: 'f.txt\n', stderr: '', exit_code: 0, type: 'blocking' });
    assert.deepEqual((await hub('projects.copyPathBetweenProjects', { src: { project_id: a, path: 'f.txt' }, dest: { project_id: b, path: 'g.txt' } })).body, null);
    assert.equal(await emu.admin.readFile(b, 'g.txt'), 'hi');
    assert.deepEqual((await hub('projects.start', { project_id: b })).body, null);
    assert.deepEqual((await project('system.readTextFileFromProject', { path: 'nope' })).body, {
      error: "Error: ENOENT: no such file or directory, open 'nope'",
    });
    assert.deepEqual((await hub('no.such', {})).body, { error: "unknown hub api function 'no.such'" });
  });

  test('conat project refuses non-collaborators (admins included) and missing keys', async () => {
    const { accountId } = await emu.admin.createAccount({});
    const { projectId } = await emu.admin.createProject({ ownerAccountId: accountId });
    const res = await call('/api/conat/project', { project_id: projectId, name: 'system.readTextFileFromProject', args: [{ path: 'x' }] });
    assert.deepEqual(res, { status: 200, body: { error: 'user must be a collaborator on the project' } });
    const anon = await call('/api/conat/project', { project_id: projectId, name: 'system.exec', args: [{ command: 'true' }] }, null);
    assert.deepEqual(anon.body, { error: 'must sign in as project or account' });
  });
});

describe('modern token rules for non-admin keys', () => {
  test('non-admins need the target’s password; a wrong one bans the pair for 30 s; admins need none', async () => {
    // A non-admin API key can only be minted over v1, so make it on a classic emulator and reopen
    // the same data folder as a modern one (data carries over, as in a CoCalc upgrade).
    const classic = await startTestEmulator({ generation: 'classic' });
    const reply = (await (
      await classic.post('/api/v1/create_account', {
        first_name: 'K', last_name: 'L', email_address: 'k@example.com', password: 'pw-123456', agreed_to_terms: true, get_api_key: true,
      })
    ).json()) as { api_key: string };
    const { accountId: target } = await classic.admin.createAccount({ password: 'target-pw' });
    await classic.close();
    const emu = await startTestEmulator({ generation: 'modern', dataDir: classic.dataDir, apiKey: classic.apiKey });
    try {
      const gen = async (password: string | undefined, key: string) =>
        (await (await emu.post('/api/conat/hub', { name: 'system.generateUserAuthToken', args: [{ user_account_id: target, password }] }, `Bearer ${key}`)).json()) as unknown;
      assert.deepEqual(await gen(undefined, reply.api_key), { error: 'Error: incorrect password' });
      assert.deepEqual(await gen('target-pw', reply.api_key), { error: 'Error: banned -- please wait at least 30s before trying again' });
      assert.match(String(await gen('anything', emu.apiKey)), /^[A-Za-z0-9]{24}$/);
    } finally {
      await emu.dispose();
      const { rmSync } = await import('node:fs');
      rmSync(classic.dataDir, { recursive: true, force: true });
    }
  });
});

describe('classic generation has no conat bridge', () => {
  test('/api/conat/hub is 404 in classic', async () => {
    const emu = await startTestEmulator({ generation: 'classic' });
    try {
      assert.equal((await emu.post('/api/conat/hub', { name: 'system.generateUserAuthToken', args: [{}] })).status, 404);
      // …but v2 already exists there (docs/cocalc-protocol.md#api-generations).
      const res = await emu.post('/api/v2/projects/create', { title: 'x' });
      assert.match(((await res.json()) as { project_id: string }).project_id, /^[0-9a-f-]{36}$/);
    } finally {
      await emu.dispose();
    }
  });
});
