import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_CONTROLS } from './emulator-controls.js';
import { splitIframeCommHosts } from './split-iframe-comm-hosts.js';
import { startTestEmulator, type TestEmulator } from './test-emulator.js';

describe('test controls', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({ generation: 'classic' });
  });
  after(() => emu.dispose());

  test('are all off by default and readable cross-origin', async () => {
    const res = await emu.request('/__emulator/controls');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await res.json(), {
      latencyMs: 0, dropReplies: 0, neverReady: false, bridgeAfterLoad: false, reloadMidRequest: false, expireTokens: false, expireSessions: false, apiLatencyMs: 0, upstream: 'ok',
    });
    assert.deepEqual(emu.controls.get(), DEFAULT_CONTROLS);
  });

  test('CORS is only on the control paths', async () => {
    assert.equal((await emu.request('/customize')).headers.get('access-control-allow-origin'), null);
    assert.equal((await emu.post('/api/v1/ping', {})).headers.get('access-control-allow-origin'), null);
  });

  test('POST merges, rejects bad fields without changing anything, and reset turns all off', async () => {
    const post = (body: unknown) =>
      emu.request('/__emulator/controls', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(((await (await post({ latencyMs: 50 })).json()) as { latencyMs: number }).latencyMs, 50);
    const merged = (await (await post({ neverReady: true })).json()) as { latencyMs: number; neverReady: boolean };
    assert.deepEqual([merged.latencyMs, merged.neverReady], [50, true]);
    for (const bad of [{ upstream: 'weird' }, { latencyMs: -1 }, { nope: 1 }, { neverReady: 'yes' }, [1]]) {
      assert.equal((await post(bad)).status, 400, JSON.stringify(bad));
    }
    assert.equal(emu.controls.get().latencyMs, 50);
    const reset = await emu.request('/__emulator/reset', { method: 'POST' });
    assert.deepEqual(await reset.json(), DEFAULT_CONTROLS);
  });

  test('upstream "500" answers JSON 500, "html" a 502 HTML page', async () => {
    emu.controls.set({ upstream: '500' });
    try {
      const r500 = await emu.post('/api/v1/ping', {});
      assert.equal(r500.status, 500);
      assert.ok('error' in ((await r500.json()) as object));
      emu.controls.set({ upstream: 'html' });
      const html = await emu.post('/api/v2/projects/create', {});
      assert.equal(html.status, 502);
      assert.match(html.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await html.text(), /<title>502 Bad Gateway<\/title>/);
      // Non-API routes are unaffected.
      assert.equal((await emu.request('/customize')).status, 200);
    } finally {
      emu.controls.reset();
    }
  });

  test('upstream "reset" drops the connection', async () => {
    emu.controls.set({ upstream: 'reset' });
    try {
      await assert.rejects(emu.post('/api/v1/ping', {}));
    } finally {
      emu.controls.reset();
    }
  });

  test('upstream "slow" never answers until the client gives up', async () => {
    emu.controls.set({ upstream: 'slow' });
    try {
      await assert.rejects(
        fetch(`${emu.url}/api/v1/ping`, { method: 'POST', headers: { authorization: `Bearer ${emu.apiKey}` }, signal: AbortSignal.timeout(300) }),
        /TimeoutError|aborted/i,
      );
    } finally {
      emu.controls.reset();
    }
  });

  test('apiLatencyMs delays API answers', async () => {
    emu.controls.set({ apiLatencyMs: 150 });
    try {
      const t0 = Date.now();
      assert.equal((await emu.post('/api/v1/ping', {})).status, 200);
      assert.ok(Date.now() - t0 >= 140);
    } finally {
      emu.controls.reset();
    }
  });
});

test('close() ends requests held by upstream "slow"', async () => {
  const emu = await startTestEmulator({ generation: 'classic' });
  emu.controls.set({ upstream: 'slow' });
  const pending = emu.post('/api/v1/ping', {}).then(
    () => 'answered',
    () => 'ended',
  );
  await new Promise((r) => setTimeout(r, 100));
  await emu.dispose();
  assert.equal(await pending, 'ended');
});

describe('/customize', () => {
  test('parses iframe_comm_hosts with CoCalc’s regex: uppercase and ":" split tokens; the default generation is modern', async () => {
    const emu = await startTestEmulator({
      iframeCommHosts: 'learn.example.edu, .Example.org\nbar.com:8443 BAR.com',
      devHttpOrigins: ['http://127.0.0.1:5173'],
      samesiteRememberMe: 'lax',
      siteName: 'My CoCalc',
    });
    try {
      const body = (await (await emu.request('/customize')).json()) as {
        configuration: { site_name: string; iframe_comm_hosts: string[]; dns: string };
        emulator: unknown;
      };
      assert.deepEqual(body.configuration.iframe_comm_hosts, ['learn.example.edu', '.', 'xample.org', 'bar.com', '8443', '.com']);
      assert.equal(body.configuration.site_name, 'My CoCalc');
      assert.equal(body.configuration.dns, new URL(emu.url).host);
      assert.deepEqual(body.emulator, { generation: 'modern', dev_http_origins: ['http://127.0.0.1:5173'], samesite_remember_me: 'lax' });
    } finally {
      await emu.dispose();
    }
  });

  test('splitIframeCommHosts: empty, null and separator-only inputs give []', () => {
    assert.deepEqual(splitIframeCommHosts(''), []);
    assert.deepEqual(splitIframeCommHosts(null), []);
    assert.deepEqual(splitIframeCommHosts(' ,;: '), []);
    assert.deepEqual(splitIframeCommHosts('a.com,b.com;c-d.org'), ['a.com', 'b.com', 'c-d.org']);
  });

  test('dev_http_origins must be exact http origins', async () => {
    await assert.rejects(startTestEmulator({ devHttpOrigins: ['http://x.test/path'] }), /exact http/);
    await assert.rejects(startTestEmulator({ devHttpOrigins: ['https://x.test'] }), /exact http/);
  });
});

describe('persistence', () => {
  test('accounts, keys, projects, files, state and tokens survive a restart; secrets are not stored in clear', async () => {
    const first = await startTestEmulator({ generation: 'classic' });
    const created = (await (
      await first.post('/api/v1/create_account', {
        first_name: 'P', last_name: 'Q', email_address: 'p@example.com', password: 'persist-pw', agreed_to_terms: true, get_api_key: true,
      })
    ).json()) as { account_id: string; api_key: string };
    const project = (await (await first.post('/api/v1/create_project', { title: 'Kept' }, `Bearer ${created.api_key}`)).json()) as { project_id: string };
    await first.post('/api/v1/write_text_file_to_project', { project_id: project.project_id, path: 'keep/me.txt', content: 'still here' }, `Bearer ${created.api_key}`);
    await first.post('/api/v1/project_exec', { project_id: project.project_id, command: 'true' }, `Bearer ${created.api_key}`);
    const token = ((await (await first.post('/api/v1/user_auth', { account_id: created.account_id, password: '' })).json()) as { auth_token: string })
      .auth_token;
    await first.close();

    const onDisk = readFileSync(join(first.dataDir, 'state.json'), 'utf8');
    for (const secret of [created.api_key, token, 'persist-pw', first.apiKey]) assert.ok(!onDisk.includes(secret));
    assert.deepEqual(readdirSync(first.dataDir).filter((f) => f.endsWith('.tmp')), []);

    const second = await startTestEmulator({ generation: 'classic', dataDir: first.dataDir, apiKey: first.apiKey });
    try {
      const read = (await (
        await second.post('/api/v1/read_text_file_from_project', { project_id: project.project_id, path: 'keep/me.txt' }, `Bearer ${created.api_key}`)
      ).json()) as { content: string };
      assert.equal(read.content, 'still here');
      const withPassword = (await (
        await second.post('/api/v1/user_auth', { account_id: created.account_id, password: 'persist-pw' }, `Bearer ${created.api_key}`)
      ).json()) as { event: string };
      assert.equal(withPassword.event, 'user_auth_token');
      const signIn = (await (await second.post('/api/emulator/hub', { event: 'sign_in_using_auth_token', auth_token: token }, null)).json()) as {
        event: string;
        remember_me: string;
      };
      assert.equal(signIn.event, 'signed_in');
      const info = await second.request(`/api/emulator/projects/${project.project_id}`, { headers: { cookie: `remember_me=${signIn.remember_me}` } });
      assert.equal(((await info.json()) as { state: string }).state, 'running');
    } finally {
      await second.dispose();
    }
  });
});

test('the server survives a client that sends garbage and hangs up', async () => {
  const emu = await startTestEmulator({ generation: 'classic' });
  try {
    const { port } = new URL(emu.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /api/v1/ping HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nContent-Type: application/json\r\n\r\n{"a":');
        socket.destroy();
        resolve();
      });
    });
    assert.equal((await emu.post('/api/v1/ping', {})).status, 200);
  } finally {
    await emu.dispose();
  }
});
