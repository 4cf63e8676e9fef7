import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseApiErrorBody, TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import { startFakeCocalc } from './test-support/fake-cocalc.js';
import { removeDir } from './test-support/harness.js';

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HEADERS = { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1', 'sec-fetch-site': 'same-origin' };

/** `cocalc-embed serve` as deployed, in its own process; resolves with its URL and its exit. */
async function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exit: Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: PACKAGE,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    void exit.then((code) => fail(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, url, exit, stderr: () => stderr };
}

describe('graceful drain after SIGTERM (real process, slow CoCalc)', () => {
  it('keeps listening: /readyz answers 503 draining and new requests 503 SHUTTING_DOWN until the in-flight mint has finished, then exits 0', async () => {
    const fake = await startFakeCocalc({ generation: 'classic' });
    const dataDir = mkdtempSync(join(tmpdir(), 'cocalc-embed-drain-'));
    const backend = await serve({
      COCALC_URL: fake.url,
      COCALC_API_KEY: fake.apiKey,
      COCALC_API: 'v1',
      COCALC_EMBED_DATA_DIR: dataDir,
      COCALC_EMBED_DEMO_AUTH: '1',
      COCALC_EMBED_SESSION_SECRET: 'drain-secret-0123456789abcdef0123456789',
      COCALC_UPSTREAM_TIMEOUT_MS: '5000',
    });
    try {
      const login = await fetch(`${backend.url}/api/demo/login`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ user: 'alice' }) });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const mint = () => fetch(`${backend.url}/api/cocalc/token`, { method: 'POST', headers: { ...HEADERS, cookie }, body: JSON.stringify({ path: 'a.ipynb' }) });
      assert.equal((await mint()).status, 200, 'provisioned');

      fake.latencyMs = 1500;
      const callsBefore = fake.calls.length;
      const inFlight = mint();
      while (fake.calls.length === callsBefore) await new Promise((r) => setTimeout(r, 10));
      backend.child.kill('SIGTERM');

      // The signal is handled asynchronously: wait for readiness to flip, never for the port to close.
      let ready: Response;
      for (;;) {
        ready = await fetch(`${backend.url}/readyz`);
        if (ready.status !== 200) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'draining' });
      assert.equal((await fetch(`${backend.url}/healthz`)).status, 200, 'still alive while draining');
      const refused = await fetch(`${backend.url}/api/demo/login`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ user: 'bob' }) });
      assert.equal(refused.status, 503);
      assert.equal(parseApiErrorBody(await refused.json())?.code, 'SHUTTING_DOWN');
      assert.equal(refused.headers.get('retry-after'), '1');
      const second = await mint();
      assert.equal(second.status, 503, 'a new mint is refused while draining');

      assert.equal((await inFlight).status, 200, 'the in-flight mint completes');
      assert.equal(await backend.exit, 0, backend.stderr());
      await assert.rejects(fetch(`${backend.url}/readyz`), 'stopped listening once drained');
    } finally {
      backend.child.kill('SIGKILL');
      fake.latencyMs = 0;
      await fake.close();
      removeDir(dataDir);
    }
  });
});
