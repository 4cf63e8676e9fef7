import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { startFakeCocalc } from './test-support/fake-cocalc.js';

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function runCli(args: string[], env: Record<string, string>, onStdout?: (text: string, kill: () => void) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: PACKAGE,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
    onStdout?.(stdout, () => child.kill('SIGTERM'));
  });
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((r) => child.on('exit', (code) => r({ code, stdout, stderr })));
}

describe('cocalc-embed CLI', () => {
  it('fails closed with exit 78 on a malformed key, naming the variable but not echoing the value', async () => {
    const bad = 'sk-tooshort';
    const { code, stderr } = await runCli(['serve'], { COCALC_API_KEY: bad, PORT: '0' });
    assert.equal(code, 78);
    assert.match(stderr, /COCALC_API_KEY/);
    assert.ok(!stderr.includes(bad));
  });

  it('provision creates the account and project once; a second run creates nothing', async () => {
    const fake = await startFakeCocalc({ generation: 'classic' });
    const env = { COCALC_URL: fake.url, COCALC_API_KEY: fake.apiKey, COCALC_EMBED_DATA_DIR: mkdtempSync(join(tmpdir(), 'cli-')) };
    try {
      const first = await runCli(['provision', 'dora'], env);
      assert.equal(first.code, 0, first.stderr);
      const out = JSON.parse(first.stdout) as { projectId: string };
      const calls = fake.calls.length;
      const second = await runCli(['provision', 'dora'], env);
      assert.equal(second.code, 0);
      assert.equal((JSON.parse(second.stdout) as { projectId: string }).projectId, out.projectId);
      assert.equal(fake.calls.filter((c, i) => i >= calls && /create_/.test(c.path)).length, 0);
    } finally {
      await fake.close();
    }
  });

  it('serve exits 0 on SIGTERM', async () => {
    const fake = await startFakeCocalc({ generation: 'classic' });
    try {
      const env = { COCALC_URL: fake.url, COCALC_API_KEY: fake.apiKey, COCALC_EMBED_DATA_DIR: mkdtempSync(join(tmpdir(), 'cli-')), PORT: '0' };
      let killed = false;
      const result = await runCli(['serve'], env, (text, kill) => {
        if (!killed && /listening on (http:\/\/\S+)/.test(text)) {
          killed = true;
          const url = /listening on (http:\/\/\S+)/.exec(text)![1]!;
          void fetch(`${url}/readyz`).then((r) => {
            assert.equal(r.status, 200);
            kill();
          });
        }
      });
      assert.equal(result.code, 0, result.stderr);
      assert.ok(!result.stdout.includes(fake.apiKey) && !result.stderr.includes(fake.apiKey));
    } finally {
      await fake.close();
    }
  });
});
