// `pnpm pack`s the four public packages into TARBALL_DIR, as a publish would build them: each
// package's `prepack` runs its build, and pnpm writes the publishConfig manifest (exports → dist,
// workspace:* → the version). One package at a time, dependencies first: the element's build
// reads the controller's and the protocol's built declarations.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { publicPackages, REPO_DIR, TARBALL_DIR } from './public-packages.js';

/** Packs every public package; returns tarball paths with their sizes in bytes. */
export function packAll(): { name: string; file: string; bytes: number }[] {
  rmSync(TARBALL_DIR, { recursive: true, force: true });
  mkdirSync(TARBALL_DIR, { recursive: true });
  const pkgs = publicPackages();
  execFileSync(
    'pnpm',
    ['-r', '--workspace-concurrency=1', '--reporter=append-only', ...pkgs.flatMap((p) => ['--filter', p.manifest.name]), 'pack', '--pack-destination', TARBALL_DIR],
    { cwd: REPO_DIR, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return pkgs.map((p) => {
    const file = join(TARBALL_DIR, p.tarball);
    return { name: p.manifest.name, file, bytes: statSync(file).size };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const t of packAll()) console.log(`packed ${t.name}: ${(t.bytes / 1024).toFixed(1)} KiB (${t.file})`);
}
