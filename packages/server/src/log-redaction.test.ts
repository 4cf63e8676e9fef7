import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from './logger.js';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { removeDir, startHarness } from './test-support/harness.js';
import { GENERATIONS } from './test-support/upstream.js';

/** Every password the backend sent to the fake, wherever it sat in the body. */
function sentPasswords(fake: FakeCocalc): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'password' && typeof x === 'string' && x) found.push(x);
        else walk(x);
      }
    }
  };
  for (const call of fake.calls) walk(call.body);
  return found;
}

/** Asserts that no 8-character piece of `secret` is anywhere in `logs`. */
function assertAbsent(logs: string, secret: string): void {
  for (let i = 0; i + 8 <= secret.length; i += 1) {
    assert.ok(!logs.includes(secret.slice(i, i + 8)), `the log holds part of a generated password (${i}..${i + 8})`);
  }
}

describe('generated secrets never reach the log', () => {
  for (const generation of GENERATIONS) {
    it(`redacts the generated CoCalc password from upstream errors that echo it, wherever it falls in the text (${generation})`, async () => {
      const fake = await startFakeCocalc({ generation });
      const h = await startHarness(fake, { COCALC_API: generation === 'classic' ? 'v1' : 'modern' });
      try {
        const alice = await h.login('alice');
        fake.mode = 'echo-error';
        // Filler moves the password across the whole logged window, including across its end.
        for (let padding = 0; padding <= 320; padding += 16) {
          fake.echoPadding = padding;
          assert.equal((await h.mint(alice, { path: 'a.ipynb' })).status, 502);
        }
        const passwords = sentPasswords(fake);
        assert.ok(passwords.length >= 20, 'every attempt sent a fresh generated password');
        const logs = h.logs.join('\n');
        assert.match(logs, /upstream failure/);
        assert.match(logs, /misc\.defaults/, 'the upstream text is still logged, minus the secret');
        for (const p of passwords) assertAbsent(logs, p);
      } finally {
        await h.close();
        await fake.close();
      }
    });
  }

  it('redacts a stored password sent after a restart (COCALC_EMBED_USER_AUTH=password) when CoCalc echoes it', async () => {
    const fake = await startFakeCocalc({ generation: 'classic' });
    const dataDir = mkdtempSync(join(tmpdir(), 'cocalc-embed-redact-'));
    try {
      const first = await startHarness(fake, { COCALC_EMBED_USER_AUTH: 'password', COCALC_API: 'v1' }, dataDir);
      assert.equal((await first.mint(await first.login('bob'), { path: 'a.ipynb' })).status, 200);
      await first.close();
      const [password] = sentPasswords(fake);
      const second = await startHarness(fake, { COCALC_EMBED_USER_AUTH: 'password', COCALC_API: 'v1' }, dataDir);
      try {
        fake.mode = 'echo-error';
        assert.equal((await second.mint(await second.login('bob'), { path: 'a.ipynb' })).status, 502);
        assertAbsent(second.logs.join('\n'), password!);
      } finally {
        await second.close();
      }
    } finally {
      removeDir(dataDir);
      await fake.close();
    }
  });
});

describe('logger redaction', () => {
  const collect = () => {
    const lines: string[] = [];
    return { lines, logger: createLogger({ write: (l) => lines.push(l) }) };
  };

  it('replaces any field named like a password at any depth, in objects and arrays', () => {
    const { lines, logger } = collect();
    logger.info('x', { a: { b: [{ c: { password: 'hunter2-deep' } }] }, newPassword: 'hunter2-camel', user_password: 'hunter2-snake' });
    assert.ok(!/hunter2/.test(lines[0]!), lines[0]);
    assert.equal((lines[0]!.match(/\[REDACTED\]/g) ?? []).length, 3);
  });

  it('replaces a registered secret inside strings and error messages, even where JSON would escape it', () => {
    const { lines, logger } = collect();
    const secret = 'pa"ss\\word-0123456789';
    logger.addSecret(secret);
    logger.warn('upstream', { upstreamMessage: `bad input ${secret}!`, error: new Error(`echo: ${secret}`) });
    logger.warn(`message itself: ${secret}`);
    for (const line of lines) {
      assert.ok(!line.includes('0123456789'), line);
      assert.match(line, /\[REDACTED\]/);
    }
  });

  it('bounds long strings after redacting, so a cut never leaves half a secret', () => {
    const { lines, logger } = collect();
    const secret = 'S3cret-abcdefghijklmnopqrstuvwxyz';
    logger.addSecret(secret);
    logger.warn('long', { upstreamMessage: `${'y'.repeat(290)}${secret}${'z'.repeat(5000)}` });
    assert.ok(!lines[0]!.includes('S3cret'), 'no prefix of the secret survives the cut');
    assert.ok(lines[0]!.length < 2000, 'long upstream texts are bounded');
  });
});
