// The browser bundle must carry no API-key-shaped string (docs/threat-model.md#api-key-exposure) and no lit dev
// mode; built to a temp folder so the test needs no earlier build:bundle run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundles } from '../scripts/build-bundle.js';

test('the single-file bundles hold no key-shaped secret and use lit in production mode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'element-bundle-'));
  try {
    const { withLit, withoutLit } = await buildBundles(dir);
    for (const file of [withLit, withoutLit]) {
      const code = readFileSync(file, 'utf8');
      assert.equal(/sk[-_][A-Za-z0-9]{16,}/.test(code), false, `${file} contains a key-shaped string`);
      assert.equal(code.includes('Lit is in dev mode'), false, `${file} ships lit's dev mode`);
    }
    assert.match(readFileSync(withLit, 'utf8'), /cocalc-notebook/);
    assert.match(readFileSync(withoutLit, 'utf8'), /from"lit"|from "lit"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
