import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEmulator, type TestEmulator } from './test-emulator.js';

type Reply = { event: string; id: string; auth_token?: string; error?: string };

describe('user_auth (v1 token minting) and token lifetime', () => {
  let emu: TestEmulator;
  let userId: string;
  let userKey: string;
  before(async () => {
    emu = await startTestEmulator({ generation: 'classic' });
    const res = await emu.post('/api/v1/create_account', {
      first_name: 'U',
      last_name: 'S',
      email_address: 'user@example.com',
      password: 'right-password',
      agreed_to_terms: true,
      get_api_key: true,
    });
    const body = (await res.json()) as { account_id: string; api_key: string };
    userId = body.account_id;
    userKey = body.api_key;
  });
  after(() => emu.dispose());

  const userAuth = async (body: Record<string, unknown>, key = emu.apiKey) =>
    (await (await emu.post('/api/v1/user_auth', body, `Bearer ${key}`)).json()) as Reply;
  const signIn = async (token: string) =>
    (await (await emu.post('/api/emulator/hub', { event: 'sign_in_using_auth_token', auth_token: token }, null)).json()) as {
      event: string;
      account_id?: string;
      error?: string;
    };

  test('an admin key with password "" gets a 24-character alphanumeric token', async () => {
    const reply = await userAuth({ account_id: userId, password: '' });
    assert.equal(reply.event, 'user_auth_token');
    assert.match(String(reply.auth_token), /^[A-Za-z0-9]{24}$/);
  });

  test('the target’s correct password works for any key owner', async () => {
    const { accountId: other } = await emu.admin.createAccount({ email: 'other@example.com', password: 'other-pass' });
    const reply = await userAuth({ account_id: other, password: 'other-pass' }, userKey);
    assert.equal(reply.event, 'user_auth_token');
  });

  test('a non-admin with password "" gets "incorrect password"', async () => {
    const { accountId: target } = await emu.admin.createAccount({ password: 'pw-123456' });
    const reply = await userAuth({ account_id: target, password: '', id: 'q' }, userKey);
    assert.deepEqual(reply, { event: 'error', id: 'q', error: 'incorrect password' });
  });

  test('a target without a password never gets a token from a non-admin', async () => {
    const { accountId: target } = await emu.admin.createAccount({});
    assert.equal((await userAuth({ account_id: target, password: 'anything' }, userKey)).error, 'incorrect password');
  });

  test('a wrong non-empty password is checked even for admins, then the pair is banned 60 s', async () => {
    const { accountId: target } = await emu.admin.createAccount({ password: 'the-real-one' });
    const wrong = await userAuth({ account_id: target, password: 'guess' });
    assert.deepEqual([wrong.event, wrong.error], ['error', 'incorrect password']);
    const banned = await userAuth({ account_id: target, password: 'the-real-one' });
    assert.deepEqual([banned.event, banned.error], ['error', 'banned -- please wait at least 60s before trying again']);
    // Another requester for the same target is not banned.
    assert.equal((await userAuth({ account_id: target, password: 'the-real-one' }, userKey)).event, 'user_auth_token');
  });

  test('tokens are reusable until they expire', async () => {
    const { auth_token } = await userAuth({ account_id: userId, password: '' });
    const first = await signIn(String(auth_token));
    const second = await signIn(String(auth_token));
    assert.deepEqual([first.event, first.account_id], ['signed_in', userId]);
    assert.deepEqual([second.event, second.account_id], ['signed_in', userId]);
  });

  test('the expireTokens control makes every token fail, and turning it off restores them', async () => {
    const { auth_token } = await userAuth({ account_id: userId, password: '' });
    emu.controls.set({ expireTokens: true });
    try {
      assert.deepEqual(await signIn(String(auth_token)), { event: 'error', error: 'auth_token is not valid' });
    } finally {
      emu.controls.reset();
    }
    assert.equal((await signIn(String(auth_token))).event, 'signed_in');
  });

  test('sign-in refuses tokens of the wrong length, missing ones, and unknown ones', async () => {
    assert.equal((await signIn('short')).error, 'auth_token must be exactly 24 characters long');
    assert.equal((await signIn('')).error, 'missing auth_token.');
    assert.equal((await signIn('A'.repeat(24))).error, 'auth_token is not valid');
  });
});

describe('token TTL', () => {
  test('tokens stop working after tokenTtlSeconds', async () => {
    const emu = await startTestEmulator({ generation: 'classic', tokenTtlSeconds: 1 });
    try {
      const { accountId } = await emu.admin.createAccount({ password: 'pw-123456' });
      const res = await emu.post('/api/v1/user_auth', { account_id: accountId, password: '' });
      const { auth_token } = (await res.json()) as { auth_token: string };
      const hub = () => emu.post('/api/emulator/hub', { event: 'sign_in_using_auth_token', auth_token }, null).then((r) => r.json());
      assert.equal(((await hub()) as { event: string }).event, 'signed_in');
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal(((await hub()) as { event: string }).event, 'error');
    } finally {
      await emu.dispose();
    }
  });

  test('the default TTL is 12 h in classic and 24 h in modern', async () => {
    for (const [generation, hours] of [['classic', 12], ['modern', 24]] as const) {
      const emu = await startTestEmulator({ generation });
      try {
        const { accountId } = await emu.admin.createAccount({});
        await emu.admin.mintAuthToken(accountId);
        const { readFileSync } = await import('node:fs');
        const state = JSON.parse(readFileSync(`${emu.dataDir}/state.json`, 'utf8')) as { auth_tokens: Record<string, { expire: number }> };
        const [grant] = Object.values(state.auth_tokens);
        const ttlHours = (grant!.expire - Date.now()) / 3_600_000;
        assert.ok(Math.abs(ttlHours - hours) < 0.01, `${generation}: ${ttlHours}`);
      } finally {
        await emu.dispose();
      }
    }
  });
});
