import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startHttpsTestEmulator, startTestEmulator, type TestEmulator } from './test-emulator.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function json(res: Response): Promise<unknown> {
  return (await res.json()) as unknown;
}

/** The projects an account sees, through its own session (a browser sign-up signs it in). */
async function projectsOf(emu: TestEmulator, cookie: string): Promise<Array<{ title: string; project_id: string }>> {
  const res = await emu.request('/api/v2/projects/get', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
  return (await res.json()) as Array<{ title: string; project_id: string }>;
}

for (const generation of ['classic', 'modern'] as const) {
  describe(`v2 sign-up (${generation})`, () => {
    test('with the admin key: {account_id}, only connect.sid is set, and a running "My First Project" owned by the new account exists', async () => {
      const emu = await startTestEmulator({ generation });
      try {
        const res = await emu.post('/api/v2/auth/sign-up', { email: 'new@kiosk.test', password: 'Kiosk-Passw0rd!', firstName: 'N', lastName: 'U', terms: true });
        const { account_id } = (await json(res)) as { account_id: string };
        assert.match(account_id, UUID);
        assert.deepEqual(res.headers.getSetCookie().map((c) => c.split('=')[0]), ['connect.sid']);
        // The admin is not a collaborator on it, so it does not appear in the admin's list …
        const adminList = (await json(await emu.post('/api/v2/projects/get', {}))) as Array<{ title: string }>;
        assert.ok(!adminList.some((p) => p.title === 'My First Project'));
        // … but the new account has it, running.
        const token = await emu.admin.mintAuthToken(account_id);
        const signIn = generation === 'modern'
          ? (await emu.request(`/auth/impersonate?auth_token=${token}`)).headers.getSetCookie().find((c) => c.startsWith('remember_me='))!.split(';')[0]!
          : `remember_me=${((await json(await emu.post('/api/emulator/hub', { event: 'sign_in_using_auth_token', auth_token: token }, null))) as { remember_me: string }).remember_me}`;
        const list = await projectsOf(emu, signIn);
        assert.deepEqual(list.map((p) => p.title), ['My First Project']);
        assert.deepEqual(Object.keys(list[0]!).sort(), ['description', 'name', 'project_id', 'title']);
        const info = (await json(await emu.request(`/api/emulator/projects/${list[0]!.project_id}`, { headers: { cookie: signIn } }))) as { state: string };
        assert.equal(info.state, 'running', 'CoCalc starts the first project at once');
      } finally {
        await emu.dispose();
      }
    });

    test('without a key (a browser): signed in with account_id (6 months), remember_me (strict, httponly, not Secure over http) and connect.sid', async () => {
      const emu = await startTestEmulator({ generation });
      try {
        const res = await emu.post('/api/v2/auth/sign-up', { email: 'web@kiosk.test', password: 'Kiosk-Passw0rd!', terms: true }, null);
        const { account_id } = (await json(res)) as { account_id: string };
        const cookies = res.headers.getSetCookie();
        assert.deepEqual(cookies.map((c) => c.split('=')[0]), ['account_id', 'remember_me', 'connect.sid']);
        assert.match(cookies[0]!, new RegExp(`^account_id=${account_id}; path=/; expires=[^;]+$`));
        assert.match(cookies[1]!, /^remember_me=[^;]+; path=\/; expires=[^;]+; samesite=strict; httponly$/);
        const expires = Date.parse(/expires=([^;]+)/.exec(cookies[0]!)![1]!);
        assert.ok(Math.abs(expires - Date.now() - 180 * 24 * 3600 * 1000) < 5000, 'six months');
        assert.deepEqual((await projectsOf(emu, cookies[1]!.split(';')[0]!)).map((p) => p.title), ['My First Project']);
      } finally {
        await emu.dispose();
      }
    });
  });
}

describe('v2 sign-up issues (CoCalc’s texts)', () => {
  test('terms, e-mail, too short, too long, too easy, already in use', async () => {
    const emu = await startTestEmulator();
    try {
      const issues = async (body: Record<string, unknown>) => ((await json(await emu.post('/api/v2/auth/sign-up', body))) as { issues?: Record<string, string> }).issues;
      assert.deepEqual(await issues({ email: 'bad', password: '12345', terms: false }), {
        terms: 'You must agree to the terms of usage.',
        email: "You must provide a valid email address -- 'bad' is not valid.",
        password: 'Your password must not be very easy to guess.',
      });
      assert.deepEqual(await issues({ email: 'a@kiosk.test', password: 'x'.repeat(65), terms: true }), { password: 'Your password must be at most 64 characters long.' });
      assert.deepEqual(await issues({ email: 'a@kiosk.test', password: 'password', terms: true }), { password: 'Your password is too easy to guess.' });
      await emu.post('/api/v2/auth/sign-up', { email: 'taken@kiosk.test', password: 'Kiosk-Passw0rd!', terms: true });
      assert.deepEqual(await issues({ email: 'Taken@Kiosk.test', password: 'Other-Passw0rd!', terms: true }), { email: 'Email address "taken@kiosk.test" already in use.' });
    } finally {
      await emu.dispose();
    }
  });
});

describe('v2 projects/start, stop, delete and get', () => {
  test('start and stop need a collaborator (a site admin is not enough); delete takes an admin; a deleted project leaves the lists', async () => {
    const emu = await startTestEmulator();
    try {
      const { account_id } = (await json(await emu.post('/api/v2/auth/sign-up', { email: 's@kiosk.test', password: 'Kiosk-Passw0rd!', terms: true }))) as { account_id: string };
      const token = await emu.admin.mintAuthToken(account_id);
      const cookie = (await emu.request(`/auth/impersonate?auth_token=${token}`)).headers.getSetCookie().find((c) => c.startsWith('remember_me='))!.split(';')[0]!;
      const [first] = await projectsOf(emu, cookie);
      const pid = first!.project_id;
      assert.deepEqual(await json(await emu.post('/api/v2/projects/stop', { project_id: pid })), { error: 'must be a collaborator to stop project' });
      assert.deepEqual(await json(await emu.post('/api/v2/projects/start', { project_id: pid })), { error: 'must be a collaborator to start project' });
      assert.deepEqual(await json(await emu.post('/api/v2/projects/stop', { project_id: 'nope' })), { error: 'project_id must be a valid uuid' });
      assert.deepEqual(await json(await emu.post('/api/v2/projects/stop', { project_id: pid }, null)), { error: 'must be signed in' });
      // The owner may stop it.
      const asOwner = (path: string, body: unknown) =>
        emu.request(path, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.deepEqual(await json(await asOwner('/api/v2/projects/stop', { project_id: pid })), { status: 'ok' });
      const state = async () => ((await json(await emu.request(`/api/emulator/projects/${pid}`, { headers: { cookie } }))) as { state: string }).state;
      assert.equal(await state(), 'opened');
      assert.deepEqual(await json(await asOwner('/api/v2/projects/start', { project_id: pid })), { status: 'ok' });
      assert.equal(await state(), 'running');
      // A stranger may not delete it; the admin may, which stops it and hides it from the owner's list.
      const { accountId: stranger } = await emu.admin.createAccount({});
      const strangerCookie = (await emu.request(`/auth/impersonate?auth_token=${await emu.admin.mintAuthToken(stranger)}`)).headers
        .getSetCookie()
        .find((c) => c.startsWith('remember_me='))!
        .split(';')[0]!;
      const byStranger = await emu.request('/api/v2/projects/delete', {
        method: 'POST',
        headers: { cookie: strangerCookie, 'content-type': 'application/json' },
        body: JSON.stringify({ project_id: pid }),
      });
      assert.deepEqual(await json(byStranger), { error: 'must be an owner to delete a project' });
      assert.deepEqual(await json(await emu.post('/api/v2/projects/delete', { project_id: 'x' })), { error: 'project_id must be a valid UUID' });
      assert.deepEqual(await json(await emu.post('/api/v2/projects/delete', { project_id: pid })), { status: 'ok' });
      assert.equal(await state(), 'opened');
      assert.deepEqual(await projectsOf(emu, cookie), []);
      assert.deepEqual(await json(await emu.post('/api/v2/projects/get', {}, null)), { error: 'must be authenticated' });
    } finally {
      await emu.dispose();
    }
  });
});

describe('over https', () => {
  test('a browser sign-up’s remember_me is Secure there', async () => {
    const emu = await startHttpsTestEmulator();
    try {
      const { setCookie: res } = await emu.get('/api/v2/auth/sign-up', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'tls@kiosk.test', password: 'Kiosk-Passw0rd!', terms: true }),
      });
      assert.match(res.find((c) => c.startsWith('remember_me='))!, /samesite=strict; secure; httponly$/);
      assert.doesNotMatch(res.find((c) => c.startsWith('account_id='))!, /secure/i);
    } finally {
      await emu.dispose();
    }
  });
});
