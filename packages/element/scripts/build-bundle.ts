// Single-file ESM builds of <cocalc-notebook> for a plain `<script type="module">`:
// - dist/cocalc-notebook.js: element + host controls + controller + protocol + lit, minified;
// - dist/cocalc-notebook.no-lit.js: the same without lit (`import 'lit'` left external), for hosts
//   that already ship lit and for the size budget (bench/element-bench.ts).
// Run: pnpm --filter @cocalc-embed/element build:bundle
import { build, type BuildOptions } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The bundle entry: registers the element and starts the data-cocalc-* controls. */
export const BUNDLE_ENTRY = `${root}scripts/bundle-entry.ts`;

/** The options of every single-file build (and of the size benchmark, so it measures what ships). */
export function options(withLit: boolean, outfile: string, entry = BUNDLE_ENTRY): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    sourcemap: false,
    external: withLit ? [] : ['lit', 'lit/*', '@lit/*'],
    // Lit's production build (no dev-mode warnings).
    conditions: ['production'],
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    write: true,
    logLevel: 'warning',
  };
}

/** Builds both bundles; returns their paths. */
export async function buildBundles(outDir = `${root}dist`): Promise<{ withLit: string; withoutLit: string }> {
  mkdirSync(outDir, { recursive: true });
  const withLit = `${outDir}/cocalc-notebook.js`;
  const withoutLit = `${outDir}/cocalc-notebook.no-lit.js`;
  await build(options(true, withLit));
  await build(options(false, withoutLit));
  return { withLit, withoutLit };
}

/** Builds `entry` without lit to a file and returns its path (used by the bench for the element alone). */
export async function buildWithoutLit(entry: string, outfile: string): Promise<string> {
  await build(options(false, outfile, entry));
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildBundles();
  console.log(`built ${out.withLit}\nbuilt ${out.withoutLit}`);
}
