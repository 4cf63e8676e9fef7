import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import { startEmulator } from '@cocalc-embed/emulator';
import { GENERATIONS } from './test-support/upstream.js';
import { startRecordingProxy } from './test-support/recording-proxy.js';
import { CREATING_CALLS, readEmulatorState, startBackendProcess } from './test-support/backend-process.js';

const USERS = ['u1', 'u2', 'u3', 'u4'];
const PROJECTS = [undefined, 'lab'];
/**
 * Each round kills -9 the backend while its n-th creating call of the round (account, project,
 * collaborator) is in flight: CoCalc then does the work but the answer reaches nobody.
 */
const KILL_AT_CREATION = [1, 2, 3, 5, 7, 9, 12];

/** Asks for every user's tokens until each got one, or the backend is gone. Returns how many got one. */
async function visitAll(url: string): Promise<number> {
  const headers = { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1', 'sec-fetch-site': 'same-origin' };
  const visit = async (user: string, project: string | undefined): Promise<boolean> => {
    try {
      const login = await fetch(`${url}/api/demo/login`, { method: 'POST', headers, body: JSON.stringify({ user }) });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      for (;;) {
        const res = await fetch(`${url}/api/cocalc/token`, { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify({ path: 'intro.ipynb', project }) });
        await res.arrayBuffer();
        if (res.status === 200) return true;
        await new Promise((r) => setTimeout(r, 100)); // 202 (still provisioning) or a failure: ask again
      }
    } catch {
      return false; // the backend was killed
    }
  };
  const results = await Promise.all(USERS.flatMap((u) => PROJECTS.map((p) => visit(u, p))));
  return results.filter(Boolean).length;
}

for (const generation of GENERATIONS) {
  describe(`kill -9 during provisioning (${generation})`, () => {
    it('leaves exactly one account per user and one shared project per name after repeated crashes and retries', async () => {
      const emuDir = mkdtempSync(join(tmpdir(), 'cocalc-embed-crash-emu-'));
      const emu = await startEmulator({ port: 0, host: '127.0.0.1', dataDir: emuDir, generation });
      emu.controls.set({ apiLatencyMs: 300 });
      let onCreation: (() => void) | undefined;
      let creations = 0;
      const proxy = await startRecordingProxy(emu.url, (path) => {
        if (CREATING_CALLS.test(path)) {
          creations += 1;
          onCreation?.();
        }
      });
      const env = {
        COCALC_URL: proxy.url,
        COCALC_API_KEY: emu.apiKey,
        COCALC_EMBED_DATA_DIR: mkdtempSync(join(tmpdir(), 'cocalc-embed-crash-')),
        COCALC_EMBED_DEMO_AUTH: '1',
        COCALC_EMBED_DEMO_USERS: USERS.join(','),
        COCALC_EMBED_SESSION_SECRET: 'crash-test-secret-0123456789abcdef0123',
        COCALC_EMBED_PROVISION_WAIT_MS: '1000',
        COCALC_EMBED_RATE_USER_PER_MIN: '100000',
        COCALC_EMBED_RATE_USER_BURST: '100000',
        COCALC_EMBED_RATE_IP_PER_MIN: '100000',
        COCALC_EMBED_RATE_IP_BURST: '100000',
        PORT: '0',
        LOG_LEVEL: 'error',
      };
      try {
        let killed = 0;
        for (const n of KILL_AT_CREATION) {
          const { child, url } = await startBackendProcess(env);
          const exited = new Promise((r) => child.once('exit', r));
          creations = 0;
          onCreation = () => {
            if (creations === n) {
              killed += 1;
              child.kill('SIGKILL');
            }
          };
          const visits = visitAll(url);
          await Promise.race([exited, visits]);
          onCreation = undefined;
          child.kill('SIGKILL');
          await exited;
          await visits;
        }
        assert.ok(killed >= 3, `the backend was killed mid-creation ${killed} times`);
        const { child, url } = await startBackendProcess(env);
        try {
          assert.equal(await visitAll(url), USERS.length * PROJECTS.length, 'every visit gets its token in the end');
        } finally {
          child.kill('SIGKILL');
        }

        const state = readEmulatorState(emuDir);
        const ours = Object.values(state.accounts).filter((a) => a.email_address?.endsWith('@users.cocalc-embed.invalid'));
        for (const user of USERS) {
          assert.equal(ours.filter((a) => a.last_name === user).length, 1, `exactly one account for ${user}`);
        }
        assert.equal(ours.length, USERS.length);
        const projects = Object.values(state.projects).filter((p) => /^(default|lab) \(u\d\)/.test(p.title));
        for (const user of USERS) {
          const account = ours.find((a) => a.last_name === user)!;
          for (const key of ['default', 'lab']) {
            const named = projects.filter((p) => p.title.startsWith(`${key} (${user})`));
            assert.equal(named.length, 1, `exactly one project "${key}" for ${user}`);
            assert.ok(named[0]!.users[account.account_id], `"${key}" of ${user} is shared with ${user}`);
          }
        }
        assert.equal(projects.length, USERS.length * PROJECTS.length);
      } finally {
        await proxy.close();
        await emu.close();
      }
    });
  });
}
