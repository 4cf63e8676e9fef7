import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseApiErrorBody, parseTokenResponse, TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import type { RunningEmulator } from '@cocalc-embed/emulator';
import { SqliteEmbedStore } from './sqlite-embed-store.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { redeemToken } from './test-support/redeem-token.js';
import { GENERATIONS, startTestEmulator } from './test-support/upstream.js';

for (const generation of GENERATIONS) {
  describe(`token endpoint against the emulator (${generation})`, () => {
    let emu: RunningEmulator;
    let h: Harness;
    let alice: string;
    let bob: string;

    before(async () => {
      emu = await startTestEmulator(generation);
      h = await startHarness(emu);
      alice = await h.login('alice');
      bob = await h.login('bob');
    });
    after(async () => {
      await h.close();
      await emu.close();
    });

    const store = () => new SqliteEmbedStore(`${h.dataDir}/cocalc-embed.sqlite`);

    it('revokes a redeemed token for the user it was minted for (modern), and says so honestly where CoCalc cannot (v1)', async () => {
      const { token } = parseTokenResponse(await (await h.mint(alice, { path: 'intro.ipynb' })).json());
      assert.ok(await redeemToken(emu.url, generation, token), 'the fresh token signs in');
      // Not bob's to revoke: nothing happens, and the token still works.
      const foreign = await h.revoke(bob, { token });
      assert.equal(foreign.status, 200);
      assert.deepEqual(await foreign.json(), { revoked: false });
      assert.ok(await redeemToken(emu.url, generation, token));
      const own = await h.revoke(alice, { token });
      assert.equal(own.status, 200);
      assert.equal(own.headers.get('cache-control'), 'no-store');
      if (generation === 'modern') {
        assert.deepEqual(await own.json(), { revoked: true });
        assert.equal(await redeemToken(emu.url, generation, token), null, 'CoCalc refuses it now');
      } else {
        assert.deepEqual(await own.json(), { revoked: false }); // API v1 has no revocation
        assert.ok(await redeemToken(emu.url, generation, token));
      }
      assert.ok(!h.logs.join('\n').includes(token), 'the token is never logged');
    });

    it('revoke keeps the token endpoint\'s guards: custom header, JSON body of just {token}, a signed-in user', async () => {
      const { token } = parseTokenResponse(await (await h.mint(alice, { path: 'intro.ipynb' })).json());
      assert.equal((await h.revoke(alice, { token }, { [TOKEN_REQUEST_HEADER]: '' })).status, 403);
      assert.equal((await h.revoke(alice, { token, account_id: 'x' })).status, 400);
      assert.equal((await h.revoke(alice, { token: 'not-a-token' })).status, 400);
      assert.equal((await h.revoke(undefined, { token })).status, 401);
      assert.ok(await redeemToken(emu.url, generation, token), 'none of those revoked it');
    });

    it('mints a token that signs in the mapped account, with the protocol TokenResponse shape and safe headers', async () => {
      const res = await h.mint(alice, { path: 'intro.ipynb' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'none'");
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const body = parseTokenResponse(await res.json());
      assert.equal(body.signIn, generation === 'classic' ? 'url' : 'impersonate');
      assert.equal(body.cocalcUrl, emu.url.replace('localhost', '127.0.0.1').replace(/\/$/, ''));
      assert.equal(body.path, 'intro.ipynb');
      const expected = 43_200; // the 12 h session a sign-in gives, in both eras (sign-in-lifetime.test.ts)
      assert.ok(body.expiresIn > expected - 5 && body.expiresIn <= expected);
      assert.ok(Math.abs(Date.parse(body.expiresAt) - (Date.now() + body.expiresIn * 1000)) < 5_000);

      const s = store();
      const account = await s.getAccount(body.cocalcUrl, 'alice');
      await s.close();
      assert.ok(account);
      assert.equal(await redeemToken(emu.url, generation, body.token), account.accountId);
    });

    it('seeds the project from the template folder', async () => {
      const res = await h.mint(alice, { path: 'intro.ipynb' });
      const { projectId } = parseTokenResponse(await res.json());
      for (const file of ['intro.ipynb', 'lab1.ipynb', 'lab2.ipynb', 'notes.md', 'data.txt']) {
        assert.ok((await emu.admin.readFile(projectId, file)).length > 0, file);
      }
      JSON.parse(await emu.admin.readFile(projectId, 'intro.ipynb'));
    });

    it('provisions once: later mints reuse the account and project', async () => {
      const first = parseTokenResponse(await (await h.mint(bob, { path: 'lab1.ipynb' })).json());
      const s = store();
      const before = await s.counts();
      const again = parseTokenResponse(await (await h.mint(bob, { path: 'lab2.ipynb' })).json());
      const afterCounts = await s.counts();
      await s.close();
      assert.deepEqual(afterCounts, before);
      assert.equal(again.projectId, first.projectId);
      assert.notEqual(again.token, first.token, 'every embed gets a fresh token');
    });

    it('gives different users different accounts and projects', async () => {
      const a = parseTokenResponse(await (await h.mint(alice, { path: 'x.ipynb' })).json());
      const b = parseTokenResponse(await (await h.mint(bob, { path: 'x.ipynb' })).json());
      assert.notEqual(a.projectId, b.projectId);
      assert.notEqual(await redeemToken(emu.url, generation, a.token), await redeemToken(emu.url, generation, b.token));
    });

    it('maps a named project to its own CoCalc project', async () => {
      const a = parseTokenResponse(await (await h.mint(alice, { path: 'x.ipynb' })).json());
      const b = parseTokenResponse(await (await h.mint(alice, { path: 'x.ipynb', project: 'course-2' })).json());
      assert.notEqual(a.projectId, b.projectId);
    });

    it('answers 401 without a signed-in site user, and after logout', async () => {
      const res = await h.mint(undefined, { path: 'intro.ipynb' });
      assert.equal(res.status, 401);
      assert.equal(parseApiErrorBody(await res.json())?.code, 'UNAUTHENTICATED');
      const forged = await h.mint('cocalc_embed_demo_user=alice.9999999999.AAAA', { path: 'intro.ipynb' });
      assert.equal(forged.status, 401, 'a cookie with a bad signature is nobody');
    });

    it('refuses any client-chosen account or project id (IDOR) with 400 and mints nothing', async () => {
      for (const extra of [
        { account_id: '11111111-1111-4111-8111-111111111111' },
        { user_account_id: '11111111-1111-4111-8111-111111111111' },
        { email: 'bob@example.com' },
        { projectId: '11111111-1111-4111-8111-111111111111' },
        { project_id: '11111111-1111-4111-8111-111111111111' },
      ]) {
        const res = await h.mint(alice, JSON.stringify({ path: 'intro.ipynb', ...extra }));
        assert.equal(res.status, 400, JSON.stringify(extra));
        const text = await res.text();
        assert.equal(parseApiErrorBody(JSON.parse(text))?.code, 'BAD_REQUEST');
        assert.ok(!text.includes('"token"'));
      }
    });

    it('refuses prototype-pollution keys', async () => {
      for (const raw of ['{"path":"a","__proto__":{"account_id":"x"}}', '{"path":"a","constructor":{"prototype":{}}}']) {
        assert.equal((await h.mint(alice, raw)).status, 400, raw);
      }
      assert.equal(({} as Record<string, unknown>).account_id, undefined);
    });

    it('validates path and project name with the protocol rules', async () => {
      for (const body of [{}, { path: '' }, { path: '/etc/passwd' }, { path: '../x' }, { path: 'a//b' }, { path: 7 }, { path: 'a', project: '../p' }, { path: 'a', project: '' }, [], 'x', null]) {
        const res = await h.mint(alice, JSON.stringify(body));
        assert.equal(res.status, 400, JSON.stringify(body));
      }
      assert.equal((await h.mint(alice, '{not json')).status, 400);
      assert.equal((await h.mint(alice, JSON.stringify({ path: 'a'.repeat(9000) }))).status, 413);
    });

    describe('CSRF and CORS', () => {
      it('answers 405 to anything but POST', async () => {
        for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
          const res = await fetch(`${h.server.url}/api/cocalc/token`, { method, headers: { cookie: alice } });
          assert.equal(res.status, 405, method);
          assert.equal(res.headers.get('allow'), 'POST');
          assert.equal(res.headers.get('access-control-allow-origin'), null);
        }
      });

      it('refuses a cross-site request (Sec-Fetch-Site) with 403', async () => {
        const res = await h.mint(alice, { path: 'intro.ipynb' }, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.test' });
        assert.equal(res.status, 403);
        assert.ok(!(await res.text()).includes('"token"'));
      });

      it('refuses a request without the custom header (cross-site form, no-cors fetch) with 403', async () => {
        const res = await fetch(`${h.server.url}/api/cocalc/token`, {
          method: 'POST',
          headers: { cookie: alice, 'content-type': 'text/plain' },
          body: JSON.stringify({ path: 'intro.ipynb' }),
        });
        assert.equal(res.status, 403);
      });

      it('refuses a non-JSON content type with 415', async () => {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
          const res = await h.mint(alice, JSON.stringify({ path: 'intro.ipynb' }), { 'content-type': type });
          assert.equal(res.status, 415, type);
        }
      });

      it('never sends CORS headers to a foreign origin, on the preflight or the request', async () => {
        const preflight = await fetch(`${h.server.url}/api/cocalc/token`, {
          method: 'OPTIONS',
          headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST', 'access-control-request-headers': TOKEN_REQUEST_HEADER },
        });
        assert.equal(preflight.headers.get('access-control-allow-origin'), null);
        assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
        const res = await h.mint(alice, { path: 'intro.ipynb' }, { origin: 'https://evil.test' });
        assert.equal(res.headers.get('access-control-allow-origin'), null);
      });

      it('protects the demo login with the same checks', async () => {
        const res = await fetch(`${h.server.url}/api/demo/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', [TOKEN_REQUEST_HEADER]: '1' },
          body: JSON.stringify({ user: 'alice' }),
        });
        assert.equal(res.status, 403);
        await assert.rejects(h.login('mallory'), /400/);
      });
    });

    it('demo whoami reports the cookie user; the cookie is HttpOnly and SameSite=Lax', async () => {
      const res = await fetch(`${h.server.url}/api/demo/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1' },
        body: JSON.stringify({ user: 'alice' }),
      });
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.deepEqual(await (await fetch(`${h.server.url}/api/demo/whoami`, { headers: { cookie: alice } })).json(), { user: 'alice' });
      assert.deepEqual(await (await fetch(`${h.server.url}/api/demo/whoami`)).json(), { user: null });
      const out = await fetch(`${h.server.url}/api/demo/logout`, { method: 'POST', headers: { [TOKEN_REQUEST_HEADER]: '1', cookie: alice } });
      assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
    });

    it('serves /healthz and /readyz', async () => {
      assert.equal((await fetch(`${h.server.url}/healthz`)).status, 200);
      const ready = await fetch(`${h.server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { status: string }).status, 'ready');
    });

    it('never writes the API key or a token to the logs', async () => {
      const res = await h.mint(alice, { path: 'intro.ipynb' });
      const { token } = parseTokenResponse(await res.json());
      const logs = h.logs.join('\n');
      assert.ok(logs.length > 0);
      assert.ok(!logs.includes(emu.apiKey));
      assert.ok(!logs.includes(token));
    });
  });
}

describe('COCALC_API_URL', () => {
  it('reaches the API at the internal address and tells the browser the public COCALC_URL', async () => {
    const emu = await startTestEmulator('classic');
    // The emulator stands in for CoCalc at an internal address; browsers would use the public name.
    const h = await startHarness(emu, { COCALC_URL: 'https://cocalc.example.test', COCALC_API_URL: emu.url });
    try {
      const res = await h.mint(await h.login('alice'), { path: 'intro.ipynb' });
      assert.equal(res.status, 200);
      const body = parseTokenResponse(await res.json());
      assert.equal(body.cocalcUrl, 'https://cocalc.example.test');
      assert.ok(await redeemToken(emu.url, 'classic', body.token), 'the token was minted by the internal CoCalc');
    } finally {
      await h.close();
      await emu.close();
    }
  });
});

