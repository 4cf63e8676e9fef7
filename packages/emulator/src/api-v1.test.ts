import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basicAuth, startTestEmulator, type TestEmulator } from './test-emulator.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('API v1 (classic generation)', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ generation: 'classic' });
  });
  after(() => emu.dispose());

  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });

  describe('authentication', () => {
    test('ping answers pong with an ISO time and a generated uuid id (Bearer key)', async () => {
      const { status, body } = await json(await emu.post('/api/v1/ping', {}));
      assert.equal(status, 200);
      assert.equal(body.event, 'pong');
      assert.match(String(body.id), UUID);
      assert.ok(!Number.isNaN(Date.parse(String(body.now))));
    });

    test('the key works as HTTP Basic user name with an empty password', async () => {
      const { status, body } = await json(await emu.post('/api/v1/ping', { id: 'my-id' }, basicAuth(emu.apiKey)));
      assert.equal(status, 200);
      assert.deepEqual([body.event, body.id], ['pong', 'my-id']);
    });

    test('no Authorization header is HTTP 400 with CoCalc’s message', async () => {
      assert.deepEqual(await json(await emu.post('/api/v1/ping', {}, null)), {
        status: 400,
        body: { error: 'You must provide authentication via an API key.' },
      });
    });

    test('a wrong key is HTTP 400 "No account found"', async () => {
      for (const header of [`Bearer ${emu.apiKey}x`, basicAuth('sk-wrong'), 'Bearer ', basicAuth('')]) {
        assert.deepEqual(await json(await emu.post('/api/v1/ping', {}, header)), {
          status: 400,
          body: { error: 'No account found. Is your API key wrong?' },
        });
      }
    });

    test('an unknown authorization type is HTTP 400', async () => {
      const { status, body } = await json(await emu.post('/api/v1/ping', {}, `Token ${emu.apiKey}`));
      assert.equal(status, 400);
      assert.equal(body.error, "Unknown authorization type 'Token'");
    });

    test('the admin key sent as Basic password (not user) is refused', async () => {
      const header = `Basic ${Buffer.from(`:${emu.apiKey}`).toString('base64')}`;
      assert.equal((await emu.post('/api/v1/ping', {}, header)).status, 400);
    });
  });

  describe('routing and strict parameters', () => {
    test('unknown endpoints are HTTP 400 unknown endpoint', async () => {
      assert.deepEqual(await json(await emu.post('/api/v1/no_such_thing', {})), {
        status: 400,
        body: { error: "unknown endpoint 'no_such_thing'" },
      });
    });

    test('hub-only messages are "not part of the HTTP API"', async () => {
      const { status, body } = await json(await emu.post('/api/v1/sign_in', {}));
      assert.equal(status, 400);
      assert.equal(body.error, "endpoint 'sign_in' is not part of the HTTP API");
    });

    test('an unknown field is HTTP 400 invalid parameters', async () => {
      const { status, body } = await json(await emu.post('/api/v1/ping', { bogus: 1 }));
      assert.equal(status, 400);
      assert.match(String(body.error), /^invalid parameters 'Error: misc\.defaults -- TypeError: got an unexpected argument 'bogus' /);
    });

    test('a missing required field is HTTP 400 invalid parameters naming it', async () => {
      const { status, body } = await json(await emu.post('/api/v1/read_text_file_from_project', { path: 'a.txt' }));
      assert.equal(status, 400);
      assert.match(String(body.error), /^invalid parameters 'Error: misc\.defaults -- TypeError: property 'project_id' must be specified: /);
    });

    test('null counts as missing for a required field', async () => {
      const res = await emu.post('/api/v1/user_auth', { account_id: null, password: '' });
      assert.match(String(((await res.json()) as { error: string }).error), /property 'account_id' must be specified/);
    });

    test('the password never comes back in an invalid-parameters error', async () => {
      const body = (await (await emu.post('/api/v1/user_auth', { password: 'hunter2-secret', extra: 1 })).json()) as { error: string };
      assert.ok(!body.error.includes('hunter2-secret'));
    });

    test('GET is not an API call', async () => {
      const res = await emu.request('/api/v1/ping', { headers: { authorization: `Bearer ${emu.apiKey}` } });
      assert.equal(res.status, 404);
    });

    test('form-encoded bodies work; booleans arrive as strings', async () => {
      const res = await emu.request('/api/v1/create_project', {
        method: 'POST',
        headers: { authorization: basicAuth(emu.apiKey), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ title: 'Form project', start: 'false' }).toString(),
      });
      const body = (await res.json()) as { event: string; project_id: string };
      assert.equal(body.event, 'project_created');
      // "false" is a non-empty string, hence truthy, as in CoCalc.
      const info = await readProjectState(emu, body.project_id);
      assert.equal(info, 'running');
    });

    test('JSON bodies over 100 kB are refused by the body parser with an HTML 413', async () => {
      const big = 'x'.repeat(101 * 1024);
      const res = await emu.post('/api/v1/ping', { id: big });
      assert.equal(res.status, 413);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await res.text(), /Payload Too Large/);
    });

    test('form bodies may be up to 1 MB', async () => {
      const { projectId } = await emu.admin.createProject({ ownerAccountId: await adminId(emu) });
      const content = 'y'.repeat(200 * 1024);
      const res = await emu.request('/api/v1/write_text_file_to_project', {
        method: 'POST',
        headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ project_id: projectId, path: 'big.txt', content }).toString(),
      });
      assert.equal(((await res.json()) as { event: string }).event, 'file_written_to_project');
      assert.equal((await emu.admin.readFile(projectId, 'big.txt')).length, content.length);
    });

    test('malformed JSON is an HTML 400 from the body parser', async () => {
      const res = await emu.request('/api/v1/ping', {
        method: 'POST',
        headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
        body: '{"id":',
      });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /<pre>Bad Request<\/pre>/);
    });

    test('a __proto__ field is just an unexpected argument', async () => {
      const res = await emu.request('/api/v1/ping', {
        method: 'POST',
        headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
        body: '{"__proto__":{"polluted":true}}',
      });
      assert.equal(res.status, 400);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  });

  describe('endpoints', () => {
    test('create_account returns account_id (and an api_key on request) that works', async () => {
      const { body } = await json(
        await emu.post('/api/v1/create_account', {
          first_name: 'Ada',
          last_name: 'L',
          email_address: 'ada@example.com',
          password: 'correct horse',
          agreed_to_terms: true,
          get_api_key: true,
        }),
      );
      assert.equal(body.event, 'account_created');
      assert.match(String(body.account_id), UUID);
      assert.match(String(body.api_key), /^sk-[A-Za-z0-9]{24}$/);
      const ping = await json(await emu.post('/api/v1/ping', {}, `Bearer ${String(body.api_key)}`));
      assert.equal(ping.body.event, 'pong');
    });

    test('create_account with a taken e-mail is account_creation_failed with a reason', async () => {
      const mesg = { first_name: 'B', last_name: 'C', email_address: 'taken@example.com', password: 'longenough', agreed_to_terms: true };
      await emu.post('/api/v1/create_account', mesg);
      const { status, body } = await json(await emu.post('/api/v1/create_account', { ...mesg, id: 'x1' }));
      assert.equal(status, 200);
      assert.deepEqual(body, {
        event: 'account_creation_failed',
        id: 'x1',
        reason: { email_address: 'This e-mail address is already taken.' },
      });
    });

    test('create_account rejects short passwords and missing terms', async () => {
      const { body } = await json(
        await emu.post('/api/v1/create_account', { first_name: 'A', last_name: 'B', email_address: 'short@example.com', password: '123' }),
      );
      assert.equal(body.event, 'account_creation_failed');
      assert.ok('password' in (body.reason as object) && 'agreed_to_terms' in (body.reason as object));
    });

    test('create_project leaves the project stopped unless start:true', async () => {
      const stopped = await json(await emu.post('/api/v1/create_project', { title: 'T' }));
      assert.equal(stopped.body.event, 'project_created');
      assert.equal(await readProjectState(emu, String(stopped.body.project_id)), 'opened');
      const started = await json(await emu.post('/api/v1/create_project', { title: 'T', start: true }));
      assert.equal(await readProjectState(emu, String(started.body.project_id)), 'running');
    });

    test('write, read and copy files between projects', async () => {
      const a = String((await json(await emu.post('/api/v1/create_project', {}))).body.project_id);
      const b = String((await json(await emu.post('/api/v1/create_project', {}))).body.project_id);
      const w = await json(await emu.post('/api/v1/write_text_file_to_project', { project_id: a, path: 'dir/n.ipynb', content: '{"cells":[]}', id: 'w1' }));
      assert.deepEqual(w.body, { event: 'file_written_to_project', id: 'w1' });
      const r = await json(await emu.post('/api/v1/read_text_file_from_project', { project_id: a, path: 'dir/n.ipynb' }));
      assert.equal(r.body.event, 'text_file_read_from_project');
      assert.equal(r.body.content, '{"cells":[]}');
      const c = await json(await emu.post('/api/v1/copy_path_between_projects', { src_project_id: a, src_path: 'dir', target_project_id: b }));
      assert.equal(c.body.event, 'success');
      assert.equal(await emu.admin.readFile(b, 'dir/n.ipynb'), '{"cells":[]}');
    });

    test('reading a missing file is an event:"error"', async () => {
      const a = String((await json(await emu.post('/api/v1/create_project', {}))).body.project_id);
      const { status, body } = await json(await emu.post('/api/v1/read_text_file_from_project', { project_id: a, path: 'nope.txt' }));
      assert.equal(status, 200);
      assert.equal(body.event, 'error');
      assert.match(String(body.error), /ENOENT/);
    });

    test('paths escaping the project home are refused', async () => {
      const a = String((await json(await emu.post('/api/v1/create_project', {}))).body.project_id);
      for (const path of ['../../state.json', '/etc/passwd', 'a/../../../x']) {
        const { body } = await json(await emu.post('/api/v1/read_text_file_from_project', { project_id: a, path }));
        assert.equal(body.event, 'error', path);
        const w = await json(await emu.post('/api/v1/write_text_file_to_project', { project_id: a, path, content: 'x' }));
        assert.equal(w.body.event, 'error', path);
      }
    });

    test('a non-collaborator gets "does not have write access"', async () => {
      const { accountId } = await emu.admin.createAccount({ email: 'outsider@example.com', password: 'pw123456' });
      const key = await createKeyFor(emu, 'outsider2@example.com');
      const project = String((await json(await emu.post('/api/v1/create_project', {}))).body.project_id);
      const { status, body } = await json(
        await emu.post('/api/v1/write_text_file_to_project', { project_id: project, path: 'x', content: 'y', id: 'e1' }, `Bearer ${key.apiKey}`),
      );
      assert.equal(status, 200);
      assert.deepEqual(body, {
        event: 'error',
        id: 'e1',
        error: `User ${key.accountId} does not have write access to project ${project}`,
      });
      assert.ok(accountId);
    });

    test('add_collaborator gives access', async () => {
      const key = await createKeyFor(emu, 'collab@example.com');
      const project = String((await json(await emu.post('/api/v1/create_project', {}))).body.project_id);
      const add = await json(await emu.post('/api/v1/add_collaborator', { project_id: project, account_id: key.accountId }));
      assert.deepEqual(Object.keys(add.body).sort(), ['event', 'id']);
      assert.equal(add.body.event, 'success');
      const w = await json(await emu.post('/api/v1/write_text_file_to_project', { project_id: project, path: 'x', content: 'y' }, `Bearer ${key.apiKey}`));
      assert.equal(w.body.event, 'file_written_to_project');
    });

    test('add_collaborator by a non-collaborator fails', async () => {
      const key = await createKeyFor(emu, 'sneaky@example.com');
      const project = String((await json(await emu.post('/api/v1/create_project', {}))).body.project_id);
      const add = await json(await emu.post('/api/v1/add_collaborator', { project_id: project, account_id: key.accountId }, `Bearer ${key.apiKey}`));
      assert.equal(add.body.event, 'error');
    });

    test('project_exec runs the small command set and starts a stopped project', async () => {
      const project = String((await json(await emu.post('/api/v1/create_project', {}))).body.project_id);
      await emu.admin.writeFile(project, 'sub/a.txt', 'hello\n');
      assert.equal(await readProjectState(emu, project), 'opened');
      const run = async (command: string, args: string[] = [], extra: Record<string, unknown> = {}) =>
        (await json(await emu.post('/api/v1/project_exec', { project_id: project, command, args, ...extra }))).body;
      const t = await run('true');
      assert.deepEqual([t.event, t.stdout, t.stderr, t.exit_code], ['project_exec_output', '', '', 0]);
      assert.equal(await readProjectState(emu, project), 'running');
      assert.equal((await run('echo', ['hi', 'there'])).stdout, 'hi there\n');
      assert.equal((await run('ls', ['sub'])).stdout, 'a.txt\n');
      assert.equal((await run('cat', ['sub/a.txt'])).stdout, 'hello\n');
      assert.equal((await run('pwd', [], { path: 'sub' })).stdout, '/home/user/sub\n');
      assert.equal((await run('echo hi', [], { bash: true })).stdout, 'hi\n');
    });

    test('project_exec: non-zero exit is an error unless err_on_exit:false; missing commands fail', async () => {
      const project = String((await json(await emu.post('/api/v1/create_project', {}))).body.project_id);
      const fail = (await json(await emu.post('/api/v1/project_exec', { project_id: project, command: 'cat', args: ['missing'] }))).body;
      assert.equal(fail.event, 'error');
      assert.match(String(fail.error), /exited with nonzero code 1/);
      const soft = (await json(await emu.post('/api/v1/project_exec', { project_id: project, command: 'false', err_on_exit: false }))).body;
      assert.deepEqual([soft.event, soft.exit_code], ['project_exec_output', 1]);
      const missing = (await json(await emu.post('/api/v1/project_exec', { project_id: project, command: 'rm', args: ['-rf', '/'] }))).body;
      assert.deepEqual([missing.event, missing.error], ['error', 'Error: spawn rm ENOENT']);
      const bash = (await json(await emu.post('/api/v1/project_exec', { project_id: project, command: 'python3 -c 1', bash: true }))).body;
      assert.equal(bash.event, 'error');
      assert.match(String(bash.error), /exited with nonzero code 127/);
    });
  });
});

async function readProjectState(emu: TestEmulator, projectId: string): Promise<string> {
  // Read through the admin session path: sign in as the admin via a token, then ask the stand-in.
  const token = await emu.admin.mintAuthToken(await adminId(emu));
  const signIn = (await (await emu.post('/api/emulator/hub', { event: 'sign_in_using_auth_token', auth_token: token }, null)).json()) as {
    remember_me: string;
  };
  const res = await emu.request(`/api/emulator/projects/${projectId}`, { headers: { cookie: `remember_me=${signIn.remember_me}` } });
  return ((await res.json()) as { state: string }).state;
}

async function adminId(emu: TestEmulator): Promise<string> {
  // The admin account owns projects created with the admin key.
  const res = await emu.post('/api/v1/create_project', { title: 'probe' });
  const { project_id } = (await res.json()) as { project_id: string };
  const state = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(`${emu.dataDir}/state.json`, 'utf8'))) as {
    projects: Record<string, { users: Record<string, string> }>;
  };
  return Object.keys(state.projects[project_id]!.users)[0]!;
}

async function createKeyFor(emu: TestEmulator, email: string): Promise<{ accountId: string; apiKey: string }> {
  const res = await emu.post('/api/v1/create_account', {
    first_name: 'F',
    last_name: 'L',
    email_address: email,
    password: 'password123',
    agreed_to_terms: true,
    get_api_key: true,
  });
  const body = (await res.json()) as { account_id: string; api_key: string };
  return { accountId: body.account_id, apiKey: body.api_key };
}
