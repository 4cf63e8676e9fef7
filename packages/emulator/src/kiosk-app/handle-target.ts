import { joinBasePath } from './app-base-path.js';

/** What {@link resolveTarget} computed from the address the app was loaded at. */
export interface ResolvedTarget {
  /** The in-app route without a leading slash, e.g. `projects/<pid>/files/a.ipynb` or `settings`. */
  readonly target: string;
  /** The merged query: the target's own query, then every other param of the page URL (page wins). */
  readonly params: URLSearchParams;
  /** The address CoCalc pushes into history: `{origin}{base}/{encoded target}?{params}{hash}`. */
  readonly url: string;
}

/**
 * CoCalc's `handleTarget()` (`src/packages/frontend/client/handle-target.ts`). The hub redirects
 * `{base}/projects/…?q` to `{base}/static/app.html?target=<urlencoded path+query>`; the frontend
 * parses `target` with a fake-host `URL` (so `..` and odd characters are normalised exactly as a
 * URL parser does, not by hand), decodes its path, merges the target's own query with the page's
 * other params (a page param overrides a same-named target param, because it is set last), drops
 * `target`, and pushes `{base}/{encode_path(target)}?…` back into the address bar.
 *
 * With no target CoCalc picks `projects` when the local-storage flag `remember_me{base}` says
 * "probably signed in", else `settings`.
 */
export function resolveTarget(href: string, basePath: string, hasRememberMe: boolean): ResolvedTarget {
  const page = new URL(href);
  const rawTarget = page.searchParams.get('target') ?? '';
  const parsed = new URL(`http://${joinHost(stripBase(rawTarget, basePath))}`);
  let target = safeDecode(parsed.pathname.slice(1));
  if (!target) target = hasRememberMe ? 'projects' : 'settings';
  page.searchParams.delete('target');
  page.searchParams.forEach((value, key) => {
    parsed.searchParams.set(key, value);
  });
  const url = `${page.origin}${joinBasePath(basePath, encodePath(target))}${parsed.search}${page.hash}`;
  return { target, params: parsed.searchParams, url };
}

/** CoCalc's `encode_path`: encode each segment, keep the slashes. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

// `join("host", t)` from node's path module: one slash between host and the target path.
function joinHost(target: string): string {
  return `host/${target.replace(/^\/+/, '')}`;
}

// Our hub stand-in may hand over the target with or without the base path; CoCalc's router sees
// it relative to the base, so strip a leading base to land on the same route either way.
function stripBase(target: string, basePath: string): string {
  if (basePath === '/' || !target.startsWith(basePath)) return target;
  const rest = target.slice(basePath.length);
  return rest === '' || rest.startsWith('/') || rest.startsWith('?') ? rest : target;
}

// CoCalc calls decodeURIComponent bare (a malformed escape throws and breaks the page); we keep
// the raw text instead so a hostile `target` cannot take the emulator down.
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
