// Versions and changelogs the changesets way, checked without publishing: `changeset status`
// and `changeset version` run on a throw-away copy of the workspace manifests (a fresh git repo
// in a temp folder), so a malformed changeset or config fails here, not on release day.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { publicPackages, REPO_DIR } from '../public-packages.js';

const CHANGESET = join(REPO_DIR, 'node_modules', '.bin', 'changeset');
const NAMES = publicPackages().map((p) => p.manifest.name);

/** Every workspace package folder (what pnpm-workspace.yaml lists). */
function workspaceDirs(): string[] {
  const dirs = readdirSync(join(REPO_DIR, 'packages')).map((d) => `packages/${d}`);
  return [...dirs, 'demo', 'e2e'].filter((d) => existsSync(join(REPO_DIR, d, 'package.json')));
}

describe('release dry run (changesets)', () => {
  let dir = '';
  const version = (d: string) => (JSON.parse(readFileSync(join(dir, d, 'package.json'), 'utf8')) as { version: string }).version;
  const before0: Record<string, string> = {};

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cocalc-embed-release-'));
    for (const f of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(REPO_DIR, f), join(dir, f));
    cpSync(join(REPO_DIR, '.changeset'), join(dir, '.changeset'), { recursive: true });
    for (const d of workspaceDirs()) {
      mkdirSync(join(dir, d), { recursive: true });
      cpSync(join(REPO_DIR, d, 'package.json'), join(dir, d, 'package.json'));
      before0[d] = version(d);
    }
    // The changelog generator is resolved from .changeset/: lend it the workspace's node_modules.
    symlinkSync(join(REPO_DIR, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
    // One more changeset, so the run bumps something even right after a release.
    writeFileSync(join(dir, '.changeset', 'dry-run-check.md'), `---\n'@cocalc-embed/protocol': patch\n---\n\nDry-run check entry.\n`);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=dry run', '-c', 'user.email=dry-run@invalid', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('changeset status plans one release of the four public packages together, and nothing private', () => {
    execFileSync(CHANGESET, ['status', '--output=status.json'], { cwd: dir, stdio: 'pipe' });
    const status = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { releases: { name: string; type: string; newVersion: string }[] };
    // Private dependents are listed with type "none" (privatePackages.version is false).
    const released = status.releases.filter((r) => r.type !== 'none');
    assert.deepEqual(released.map((r) => r.name).sort(), [...NAMES].sort());
    assert.equal(new Set(released.map((r) => r.newVersion)).size, 1, 'fixed group: one version');
  });

  it('changeset version bumps the four to one new version and writes their changelogs; private packages keep theirs', () => {
    execFileSync(CHANGESET, ['version'], { cwd: dir, stdio: 'pipe' });
    const bumped = publicPackages().map((p) => version(`packages/${p.dir}`));
    assert.equal(new Set(bumped).size, 1);
    assert.notEqual(bumped[0], before0['packages/protocol']);
    for (const p of publicPackages()) {
      const changelog = readFileSync(join(dir, 'packages', p.dir, 'CHANGELOG.md'), 'utf8');
      assert.match(changelog, new RegExp(`^# ${p.manifest.name.replace('/', '\\/')}`));
      assert.match(changelog, new RegExp(`## ${bumped[0]!.replace(/\./g, '\\.')}`));
    }
    assert.match(readFileSync(join(dir, 'packages', 'protocol', 'CHANGELOG.md'), 'utf8'), /Dry-run check entry/);
    for (const d of workspaceDirs().filter((d) => !publicPackages().some((p) => `packages/${p.dir}` === d))) {
      assert.equal(version(d), before0[d], `${d} is private and keeps its version`);
    }
    assert.deepEqual(readdirSync(join(dir, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md'), [], 'changesets consumed');
  });
});
