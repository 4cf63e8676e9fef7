// Each published entry point's declarations match its checked-in API report
// (packages/<name>/api/<entry>.api.md). A failure here means the public surface changed: review
// the difference and run `pnpm api:update`. Reads the dist/ that packaging/pack.ts built.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkEntry } from '../api-report.js';
import { entryPoints } from '../public-packages.js';

describe('API reports', () => {
  for (const entry of entryPoints()) {
    it(`${entry.pkg.manifest.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)} matches api/${entry.name}.api.md`, () => {
      const result = checkEntry(entry);
      assert.deepEqual(result.problems, []);
      assert.ok(result.matches, `the public API differs from ${result.reportPath}; review it and run \`pnpm api:update\``);
    });
  }

  it('a new export in the declarations fails the check (the check is not a no-op)', () => {
    const protocol = entryPoints().find((e) => e.pkg.dir === 'protocol')!;
    const dir = mkdtempSync(join(tmpdir(), 'cocalc-embed-api-'));
    try {
      for (const part of ['package.json', 'tsconfig.build.json', 'dist', 'api']) cpSync(join(protocol.pkg.path, part), join(dir, part), { recursive: true });
      appendFileSync(join(dir, 'dist', 'index.d.ts'), '\n/** Sneaked in. */\nexport declare const SNEAKED_IN: 1;\n');
      const result = checkEntry({ ...protocol, pkg: { ...protocol.pkg, path: dir } });
      assert.equal(result.matches, false);
      assert.equal(readFileSync(join(dir, 'api', 'index.api.md'), 'utf8'), readFileSync(join(protocol.pkg.path, 'api', 'index.api.md'), 'utf8'), 'the check never rewrites the report');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
