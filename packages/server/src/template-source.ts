import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Where a new project's files come from. */
export type TemplateSource =
  /** Files read from a local folder and written with write-text-file. */
  | { readonly kind: 'folder'; readonly files: ReadonlyArray<{ readonly path: string; readonly content: string }> }
  /** Paths copied from an existing CoCalc project with copy-path. */
  | { readonly kind: 'project'; readonly projectId: string; readonly paths: readonly string[] }
  /** Nothing: projects start empty. */
  | { readonly kind: 'none' };

/** Largest template file we write; v1's JSON body limit is 100 kB (docs/cocalc-protocol.md#api-v1). */
const MAX_TEMPLATE_FILE_BYTES = 90_000;

/**
 * Reads a template folder once at start (text files, recursively, skipping dot-files), so a
 * missing or oversized file fails the configuration check instead of a user's first embed.
 */
export function readTemplateFolder(dir: string): TemplateSource {
  const files: Array<{ path: string; content: string }> = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      if (name.startsWith('.')) continue;
      const full = join(at, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) {
        if (stat.size > MAX_TEMPLATE_FILE_BYTES) {
          throw new Error(`template file ${name} is larger than ${MAX_TEMPLATE_FILE_BYTES} bytes`);
        }
        files.push({ path: relative(dir, full).split(sep).join('/'), content: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(dir);
  return { kind: 'folder', files };
}
