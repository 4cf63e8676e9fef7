// The published packages and their entry points, read from their package.json files so that
// every packaging check (API reports, publint, attw, consumer tests) follows the manifests rather
// than a list of its own.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Where `pack.ts` leaves the tarballs (inside the workspace: build artefacts, ignored by git). */
export const TARBALL_DIR = join(REPO_DIR, 'node_modules', '.cache', 'cocalc-embed-tarballs');

/** Folder names under packages/ of the four public packages, in dependency order. */
export const PUBLIC_PACKAGE_DIRS = ['protocol', 'controller', 'element', 'server'] as const;

type ExportTarget = string | { types?: string; default?: string };

/** The parts of a package.json the checks read. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports: Record<string, string>;
  publishConfig: { access?: string; exports: Record<string, ExportTarget>; bin?: Record<string, string> };
  files?: string[];
  engines?: { node?: string };
  license?: string;
}

/** One public package. */
export interface PublicPackage {
  /** Folder under packages/. */
  dir: string;
  /** Absolute path of the package folder. */
  path: string;
  manifest: Manifest;
  /** Tarball file name `pnpm pack` gives it. */
  tarball: string;
}

/** One typed entry point of a published package (a subpath of its published `exports`). */
export interface EntryPoint {
  pkg: PublicPackage;
  /** `.`, `./react`, `./define.js`… */
  subpath: string;
  /** The `types` target, relative to the package (`./dist/react/index.d.ts`). */
  types: string;
  /** A name for files about this entry: `index`, `react`, `define`… */
  name: string;
}

/** Reads the four public packages' manifests. */
export function publicPackages(): PublicPackage[] {
  return PUBLIC_PACKAGE_DIRS.map((dir) => {
    const path = join(REPO_DIR, 'packages', dir);
    const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as Manifest;
    const tarball = `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
    return { dir, path, manifest, tarball };
  });
}

/** Every published entry point with types, in manifest order. */
export function entryPoints(pkgs = publicPackages()): EntryPoint[] {
  const out: EntryPoint[] = [];
  for (const pkg of pkgs) {
    for (const [subpath, target] of Object.entries(pkg.manifest.publishConfig.exports)) {
      if (typeof target === 'string' || !target.types) continue;
      const name = subpath === '.' ? 'index' : subpath.replace(/^\.\//, '').replace(/\.js$/, '').replace(/\//g, '-');
      out.push({ pkg, subpath, types: target.types, name });
    }
  }
  return out;
}
