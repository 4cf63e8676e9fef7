// The published packages as a site gets them: manifests and tarball contents, publint and
// arethetypeswrong on the packed tarballs. Needs `tsx packaging/pack.ts` first (`pnpm test:packaging`
// runs it).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { publicPackages, REPO_DIR, TARBALL_DIR, type Manifest } from '../public-packages.js';
import { tarballFile, tarballFiles } from '../tarball.js';

const ROOT_LICENSE = readFileSync(join(REPO_DIR, 'LICENSE'), 'utf8');

for (const pkg of publicPackages()) {
  const tgz = join(TARBALL_DIR, pkg.tarball);
  describe(pkg.manifest.name, () => {
    it('is public, MIT like the repository, for Node 20.19+, with a repository and a LICENSE file equal to the root one', () => {
      const m = pkg.manifest as Manifest & { repository?: { url?: string; directory?: string } };
      assert.notEqual(m.private, true);
      assert.equal(m.license, 'MIT');
      assert.equal(m.engines?.node, '>=20.19');
      assert.equal(m.publishConfig.access, 'public');
      assert.equal(m.repository?.directory, `packages/${pkg.dir}`);
      assert.equal(readFileSync(join(pkg.path, 'LICENSE'), 'utf8'), ROOT_LICENSE);
    });

    it('publishes the same entry points the workspace resolves, each built from a source its tsconfig.build.json names', () => {
      const workspace = Object.keys(pkg.manifest.exports).sort();
      const published = Object.keys(pkg.manifest.publishConfig.exports).filter((k) => k !== './custom-elements.json').sort();
      assert.deepEqual(published, workspace);
      const build = JSON.parse(readFileSync(join(pkg.path, 'tsconfig.build.json'), 'utf8')) as { files: string[] };
      for (const [subpath, source] of Object.entries(pkg.manifest.exports)) {
        if (subpath === './package.json') continue;
        const target = pkg.manifest.publishConfig.exports[subpath];
        assert.ok(typeof target === 'object', `${subpath}: published with conditions`);
        const fromSource = source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
        assert.equal(target.types, `${fromSource}.d.ts`, `${subpath}: types condition`);
        assert.equal(target.default, `${fromSource}.js`, `${subpath}: default condition`);
        assert.ok(build.files.includes(source.replace(/^\.\//, '')), `${subpath}: ${source} is an entry of tsconfig.build.json`);
      }
    });

    it('packs dist with declarations and source maps, a manifest pointing at dist, and no source, tests or workspace: ranges', () => {
      assert.ok(existsSync(tgz), `${tgz} missing: run tsx packaging/pack.ts`);
      const files = tarballFiles(tgz);
      assert.ok(files.includes('LICENSE') && files.includes('README.md') && files.includes('package.json'));
      assert.deepEqual(files.filter((f) => f.startsWith('src/') || /\.test\.|test-support|test-helpers/.test(f)), []);
      for (const js of files.filter((f) => /^dist\/.*\.js$/.test(f) && !/cocalc-notebook(\.no-lit)?\.js$/.test(f))) {
        assert.ok(files.includes(js.replace(/\.js$/, '.d.ts')), `${js} has declarations`);
        assert.ok(files.includes(`${js}.map`), `${js} has a source map`);
      }
      const packed = JSON.parse(tarballFile(tgz, 'package.json')) as Manifest & Record<string, unknown>;
      assert.deepEqual(packed.exports, pkg.manifest.publishConfig.exports);
      assert.equal(packed.types, './dist/index.d.ts');
      const text = JSON.stringify(packed);
      assert.ok(!text.includes('workspace:'), 'no workspace: ranges');
      assert.ok(!text.includes('./src/'), 'nothing points at src');
      for (const target of Object.values(packed.exports as Record<string, string | Record<string, string>>)) {
        for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
          assert.ok(files.includes(file.replace(/^\.\//, '')), `${file} is in the tarball`);
        }
      }
    });

    it('publint (strict) reports nothing', async () => {
      const tarball = readFileSync(tgz);
      const { messages, pkg: json } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, strict: true });
      assert.deepEqual(messages.map((m) => `${m.type}: ${formatMessage(m, json) ?? m.code}`), []);
    });

    it('arethetypeswrong reports nothing for an ESM-only package', () => {
      const attw = join(REPO_DIR, 'node_modules', '.bin', 'attw');
      const run = spawnSync(attw, [tgz, '--profile', 'esm-only', '--format', 'ascii', '--no-color'], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stdout + run.stderr);
    });
  });
}

describe('packaging of the element', () => {
  const pkg = publicPackages().find((p) => p.dir === 'element')!;
  const tgz = join(TARBALL_DIR, pkg.tarball);

  it('ships both single-file CDN builds (lit bundled and lit external) and the custom-elements manifest', () => {
    const files = tarballFiles(tgz);
    for (const f of ['dist/cocalc-notebook.js', 'dist/cocalc-notebook.no-lit.js', 'custom-elements.json']) assert.ok(files.includes(f), f);
    assert.match(tarballFile(tgz, 'dist/cocalc-notebook.no-lit.js'), /from\s*"lit"/);
    assert.doesNotMatch(tarballFile(tgz, 'dist/cocalc-notebook.js'), /from\s*"lit"/);
  });

  it('marks every module that registers something as a side effect, in src (workspace) and in dist (tarball)', () => {
    const sideEffects = (pkg.manifest as unknown as { sideEffects: string[] }).sideEffects;
    // One `*` matches one path segment, as in bundlers' sideEffects globs.
    const matches = (file: string) =>
      sideEffects.some((glob) => new RegExp(`^${glob.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`).test(file));
    for (const entry of ['index', 'define', 'controls/index', 'react/index']) {
      assert.ok(matches(`./src/${entry}.ts`) && matches(`./dist/${entry}.js`), entry);
    }
    assert.ok(matches('./dist/cocalc-notebook.js') && matches('./dist/cocalc-notebook.no-lit.js'));
    assert.ok(!matches('./dist/cocalc-notebook-element.js') && !matches('./src/token-broker.ts'), 'pure modules stay tree-shakeable');
  });
});

describe('packaging of the server', () => {
  const pkg = publicPackages().find((p) => p.dir === 'server')!;

  it('publishes a cocalc-embed command that runs the compiled CLI with plain node, and the default template', () => {
    const tgz = join(TARBALL_DIR, pkg.tarball);
    const packed = JSON.parse(tarballFile(tgz, 'package.json')) as { bin: Record<string, string> };
    assert.deepEqual(packed.bin, { 'cocalc-embed': './bin/cocalc-embed.js' });
    const bin = tarballFile(tgz, 'bin/cocalc-embed.js');
    assert.match(bin.split('\n')[0]!, /^#!\/usr\/bin\/env node$/);
    assert.match(bin, /import '\.\.\/dist\/cli\.js'/);
    const files = tarballFiles(tgz);
    assert.ok(files.includes('dist/cli.js'));
    assert.ok(files.some((f) => f.startsWith('templates/default/')));
  });
});

describe('the checks themselves', () => {
  // A broken copy of the protocol tarball: no types condition, and an entry pointing at a file
  // that is not packed. Both tools must object, or their silence above proves nothing.
  const broken = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocalc-embed-broken-'));
    execFileSync('tar', ['xzf', join(TARBALL_DIR, publicPackages()[0]!.tarball), '-C', dir]);
    const file = join(dir, 'package', 'package.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    json.exports = { '.': './dist/index.js', './missing': './dist/missing.js', './package.json': './package.json' };
    delete json.types;
    writeFileSync(file, JSON.stringify(json));
    const tgz = join(dir, 'broken.tgz');
    execFileSync('tar', ['czf', tgz, '-C', dir, 'package']);
    return { dir, tgz };
  };

  it('publint reports an export that points at a file not in the tarball', async () => {
    const { dir, tgz } = broken();
    try {
      const tarball = readFileSync(tgz);
      const { messages } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, strict: true });
      assert.ok(messages.some((m) => m.code === 'FILE_DOES_NOT_EXIST'), JSON.stringify(messages.map((m) => m.code)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('arethetypeswrong fails a package whose entry has no types condition', () => {
    const { dir, tgz } = broken();
    try {
      const run = spawnSync(join(REPO_DIR, 'node_modules', '.bin', 'attw'), [tgz, '--profile', 'esm-only', '--no-color'], { encoding: 'utf8' });
      assert.notEqual(run.status, 0, run.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
