import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startHttpsTestEmulator, startTestEmulator } from './test-emulator.js';

describe('classic (`url` era) kiosk routes and sign-in', () => {
  test('/projects/… is a 302 to /static/app.html with the original path+query as target', async () => {
    const emu = await startTestEmulator({ generation: 'classic' });
    try {
      const res = await emu.request('/projects/0b9a3a2e-1111-4222-8333-944455556666/files/a%20b.ipynb?auth_token=x&fullscreen=kiosk');
      assert.equal(res.status, 302);
      const location = new URL(res.headers.get('location')!, emu.url);
      assert.equal(location.pathname, '/static/app.html');
      assert.equal(location.searchParams.get('target'), '/projects/0b9a3a2e-1111-4222-8333-944455556666/files/a%20b.ipynb?auth_token=x&fullscreen=kiosk');
      const app = await emu.request('/app?session=&fullscreen=kiosk');
      assert.equal(app.status, 302);
      assert.equal(app.headers.get('location'), '/static/app.html?session=&fullscreen=kiosk');
    } finally {
      await emu.dispose();
    }
  });

  test('the app page loads /static/app.js, which is the bundled kiosk app', async () => {
    const emu = await startTestEmulator({ generation: 'classic', siteName: '<b>Site</b>' });
    try {
      const html = await (await emu.request('/static/app.html')).text();
      assert.match(html, /<script type="module" src="app\.js"><\/script>/);
      assert.ok(html.includes('&lt;b&gt;Site&lt;/b&gt;'), 'site name is escaped');
      const js = await emu.request('/static/app.js');
      assert.equal(js.status, 200);
      assert.match(js.headers.get('content-type') ?? '', /javascript/);
      assert.ok((await js.text()).length > 0);
    } finally {
      await emu.dispose();
    }
  });

  test('under a base path every route is prefixed and the cookie name too', async () => {
    const emu = await startTestEmulator({ generation: 'classic', basePath: '/cocalc/' });
    try {
      assert.match(emu.url, /\/cocalc$/);
      const res = await emu.request('/projects/p/files/x');
      assert.equal(new URL(res.headers.get('location')!, emu.url).pathname, '/cocalc/static/app.html');
      assert.equal((await fetch(emu.url.replace(/\/cocalc$/, '/customize'))).status, 404);
      const { accountId } = await emu.admin.createAccount({});
      const token = await emu.admin.mintAuthToken(accountId);
      const { remember_me } = (await (await emu.post('/api/emulator/hub', { event: 'sign_in_using_auth_token', auth_token: token }, null)).json()) as {
        remember_me: string;
      };
      const session = await emu.request('/api/emulator/session', { headers: { cookie: `%2Fcocalcremember_me=${remember_me}` } });
      assert.deepEqual(await session.json(), { account_id: accountId });
      const unprefixed = await emu.request('/api/emulator/session', { headers: { cookie: `remember_me=${remember_me}` } });
      assert.deepEqual(await unprefixed.json(), { account_id: null });
    } finally {
      await emu.dispose();
    }
  });

  test('full `url`-era flow over http: token → signed_in → /cookies sets remember_me (SameSite=Lax; HttpOnly, not Secure) → session and project access', async () => {
    const emu = await startTestEmulator({ generation: 'classic' });
    try {
      const { accountId } = await emu.admin.createAccount({ password: 'pw-123456' });
      const { accountId: stranger } = await emu.admin.createAccount({});
      const { projectId } = await emu.admin.createProject({ ownerAccountId: accountId, title: 'Mine' });
      await emu.admin.writeFile(projectId, 'nb.ipynb', '{}');
      const token = await emu.admin.mintAuthToken(accountId);
      const signedIn = (await (await emu.post('/api/emulator/hub', { event: 'sign_in_using_auth_token', auth_token: token }, null)).json()) as {
        event: string;
        account_id: string;
        remember_me: string;
      };
      assert.deepEqual([signedIn.event, signedIn.account_id], ['signed_in', accountId]);
      const set = await emu.request(`/cookies?${new URLSearchParams({ set: 'remember_me', value: signedIn.remember_me }).toString()}`);
      assert.equal(set.status, 200);
      const cookie = set.headers.get('set-cookie') ?? '';
      // Not Secure over plain http: WebKit would drop it on http://localhost; Lax, because the other
      // engines drop SameSite=None without Secure.
      assert.match(cookie, /^remember_me=[^;]+; path=\/; expires=[^;]+; samesite=lax; httponly$/);
      const headers = { cookie: cookie.split(';')[0]! };
      assert.deepEqual(await (await emu.request('/api/emulator/session', { headers })).json(), { account_id: accountId });
      assert.deepEqual(await (await emu.request(`/api/emulator/projects/${projectId}`, { headers })).json(), {
        project_id: projectId,
        title: 'Mine',
        state: 'opened',
      });
      const file = await emu.request(`/api/emulator/projects/${projectId}/files?path=nb.ipynb`, { headers });
      assert.deepEqual(await file.json(), { path: 'nb.ipynb', content: '{}' });
      assert.equal((await emu.request(`/api/emulator/projects/${projectId}/files?path=missing`, { headers })).status, 404);
      const start = await emu.request(`/api/emulator/projects/${projectId}/start`, { method: 'POST', headers });
      assert.deepEqual(await start.json(), { state: 'running' });
      // expireSessions: the same cookie no longer signs anyone in, until the control is off again.
      emu.controls.set({ expireSessions: true });
      assert.deepEqual(await (await emu.request('/api/emulator/session', { headers })).json(), { account_id: null });
      assert.equal((await emu.request(`/api/emulator/projects/${projectId}`, { headers })).status, 403);
      emu.controls.set({ expireSessions: false });
      assert.deepEqual(await (await emu.request('/api/emulator/session', { headers })).json(), { account_id: accountId });
      // Not signed in, or signed in as someone else: 403.
      assert.equal((await emu.request(`/api/emulator/projects/${projectId}`)).status, 403);
      const strangerToken = await emu.admin.mintAuthToken(stranger);
      const s = (await (await emu.post('/api/emulator/hub', { event: 'sign_in_using_auth_token', auth_token: strangerToken }, null)).json()) as {
        remember_me: string;
      };
      const other = { cookie: `remember_me=${s.remember_me}` };
      assert.equal((await emu.request(`/api/emulator/projects/${projectId}`, { headers: other })).status, 403);
      assert.equal((await emu.request(`/api/emulator/projects/${projectId}/files?path=nb.ipynb`, { headers: other })).status, 403);
    } finally {
      await emu.dispose();
    }
  });

  test('over https /cookies sets CoCalc’s own iframe cookie: SameSite=None; Secure; HttpOnly', async () => {
    const emu = await startHttpsTestEmulator({ generation: 'classic' });
    try {
      const set = await emu.get(`/cookies?${new URLSearchParams({ set: 'remember_me', value: 'abc' }).toString()}`);
      assert.equal(set.status, 200);
      assert.equal(set.setCookie.length, 1);
      assert.match(set.setCookie[0]!, /^remember_me=abc; path=\/; expires=[^;]+; samesite=none; secure; httponly$/);
    } finally {
      await emu.dispose();
    }
  });

  test('/cookies refuses names or values that would inject cookie attributes', async () => {
    const emu = await startTestEmulator({ generation: 'classic' });
    try {
      for (const q of [{ set: 'a; domain=evil.com', value: 'x' }, { set: 'remember_me', value: 'x; domain=evil.com' }, { set: 'a', value: 'x\r\nSet-Cookie: b=c' }]) {
        const res = await emu.request(`/cookies?${new URLSearchParams(q).toString()}`);
        assert.equal(res.headers.get('set-cookie'), null, JSON.stringify(q));
      }
    } finally {
      await emu.dispose();
    }
  });

  test('classic has no /auth/impersonate (404)', async () => {
    const emu = await startTestEmulator({ generation: 'classic' });
    try {
      assert.equal((await emu.request('/auth/impersonate?auth_token=abc')).status, 404);
    } finally {
      await emu.dispose();
    }
  });
});

describe('modern (`impersonate` era) /auth/impersonate', () => {
  test('over http: 200 HTML, account_id (12 h, nothing else), remember_me (12 h, SameSite from the setting, HttpOnly, NOT Secure), connect.sid; onload goes to {publicUrl}/app', async () => {
    const emu = await startTestEmulator({ generation: 'modern', publicUrl: 'https://cocalc.example.test', samesiteRememberMe: 'none' });
    try {
      const { accountId } = await emu.admin.createAccount({});
      const token = await emu.admin.mintAuthToken(accountId);
      const res = await emu.request(`/projects/x/files/y?auth_token=${token}`);
      assert.equal(res.status, 302, 'kiosk routes still redirect; the token there is ignored');
      const imp = await emu.request(`/auth/impersonate?auth_token=${token}`);
      assert.equal(imp.status, 200);
      assert.equal(imp.headers.get('content-type'), 'text/html; charset=utf-8');
      const cookies = imp.headers.getSetCookie();
      assert.deepEqual(cookies.map((c) => c.split('=')[0]), ['account_id', 'remember_me', 'connect.sid']);
      const [account, remember, sid] = cookies as [string, string, string];
      assert.match(account, new RegExp(`^account_id=${accountId}; path=/; expires=[^;]+$`), 'no HttpOnly, no SameSite, never Secure');
      assert.match(remember, /^remember_me=[^;]+; path=\/; expires=[^;]+; samesite=none; httponly$/, 'no Secure over http');
      assert.match(sid, /^connect\.sid=s%3A[^;]+; Path=\/; HttpOnly$/);
      for (const cookie of [account, remember]) {
        const expires = Date.parse(/expires=([^;]+)/.exec(cookie)![1]!);
        assert.ok(Math.abs(expires - Date.now() - 12 * 3600 * 1000) < 5000, 'lasts 12 h');
      }
      const html = await imp.text();
      assert.match(html, /window\.onload = function \(\) \{\n\s+window\.location\.href = "https:\/\/cocalc\.example\.test\/app";/);
      // The session works, and the token still works a second time.
      const session = await emu.request('/api/emulator/session', { headers: { cookie: remember.split(';')[0]! } });
      assert.deepEqual(await session.json(), { account_id: accountId });
      assert.equal((await emu.request(`/auth/impersonate?auth_token=${token}`)).headers.getSetCookie().length, 3);
    } finally {
      await emu.dispose();
    }
  });

  test('over https remember_me also carries secure; account_id never does', async () => {
    const emu = await startHttpsTestEmulator({ generation: 'modern' });
    try {
      const { accountId } = await emu.admin.createAccount({});
      const imp = await emu.get(`/auth/impersonate?auth_token=${await emu.admin.mintAuthToken(accountId)}`);
      assert.equal(imp.status, 200);
      const [account, remember, sid] = imp.setCookie as [string, string, string];
      assert.match(account, new RegExp(`^account_id=${accountId}; path=/; expires=[^;]+$`));
      assert.match(remember, /^remember_me=[^;]+; path=\/; expires=[^;]+; samesite=strict; secure; httponly$/);
      assert.match(sid, /^connect\.sid=[^;]+; Path=\/; HttpOnly$/);
    } finally {
      await emu.dispose();
    }
  });

  test('a request that already has connect.sid gets no new one', async () => {
    const emu = await startTestEmulator({ generation: 'modern' });
    try {
      const { accountId } = await emu.admin.createAccount({});
      const imp = await emu.request(`/auth/impersonate?auth_token=${await emu.admin.mintAuthToken(accountId)}`, {
        headers: { cookie: 'connect.sid=s%3Aold.sig' },
      });
      assert.deepEqual(imp.headers.getSetCookie().map((c) => c.split('=')[0]), ['account_id', 'remember_me']);
    } finally {
      await emu.dispose();
    }
  });

  test('/app after the sign-in is a 302 to /static/app.html (the app then lands on settings)', async () => {
    const emu = await startTestEmulator({ generation: 'modern' });
    try {
      const app = await emu.request('/app');
      assert.equal(app.status, 302);
      assert.equal(app.headers.get('location'), '/static/app.html');
    } finally {
      await emu.dispose();
    }
  });

  test('SameSite defaults to strict (CoCalc’s default)', async () => {
    const emu = await startTestEmulator({ generation: 'modern' });
    try {
      const { accountId } = await emu.admin.createAccount({});
      const imp = await emu.request(`/auth/impersonate?auth_token=${await emu.admin.mintAuthToken(accountId)}`);
      assert.match(imp.headers.getSetCookie().find((c) => c.startsWith('remember_me='))!, /samesite=strict/);
      assert.match(await imp.text(), new RegExp(`window\\.location\\.href = "${emu.url}/app"`));
    } finally {
      await emu.dispose();
    }
  });

  test('bad, empty and expired tokens get CoCalc’s error text, with the token HTML-escaped', async () => {
    const emu = await startTestEmulator({ generation: 'modern' });
    try {
      const bad = await emu.request('/auth/impersonate?auth_token=nope');
      assert.equal(bad.status, 200);
      assert.equal(await bad.text(), "ERROR: impersonate error -- Error: unknown or expired token: 'nope'");
      assert.deepEqual(bad.headers.getSetCookie().map((c) => c.split('=')[0]), ['connect.sid'], 'no sign-in cookie');
      assert.equal(await (await emu.request('/auth/impersonate')).text(), 'ERROR: impersonate error -- Error: invalid empty token');
      const hostile = await emu.request(`/auth/impersonate?auth_token=${encodeURIComponent('<script>alert(1)</script>')}`);
      const text = await hostile.text();
      assert.ok(!text.includes('<script>'));
      assert.ok(text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
      const { accountId } = await emu.admin.createAccount({});
      const token = await emu.admin.mintAuthToken(accountId);
      emu.controls.set({ expireTokens: true });
      assert.match(await (await emu.request(`/auth/impersonate?auth_token=${token}`)).text(), /unknown or expired token/);
    } finally {
      await emu.dispose();
    }
  });

  test('the `url`-era websocket sign-in is gone in modern', async () => {
    const emu = await startTestEmulator({ generation: 'modern' });
    try {
      const { accountId } = await emu.admin.createAccount({});
      const reply = (await (
        await emu.post('/api/emulator/hub', { event: 'sign_in_using_auth_token', auth_token: await emu.admin.mintAuthToken(accountId) }, null)
      ).json()) as { event: string };
      assert.equal(reply.event, 'error');
    } finally {
      await emu.dispose();
    }
  });
});
