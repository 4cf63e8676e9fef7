/** Where CoCalc serves the single-page app, relative to its base path. */
export const APP_HTML_PATH = '/static/app.html';

/**
 * The site's base path (CoCalc's `appBasePath`, e.g. `/` or `/cocalc`), derived from where this
 * page was served: the hub always serves the app at `{base}/static/app.html`. The result has no
 * trailing slash except for the root, `/`.
 */
export function appBasePath(pathname: string): string {
  const index = pathname.lastIndexOf(APP_HTML_PATH);
  const base = index >= 0 ? pathname.slice(0, index) : '';
  return base === '' ? '/' : base;
}

/** `join(base, path)` for URL paths, like the `path.join` CoCalc's frontend uses. */
export function joinBasePath(base: string, path: string): string {
  const left = base.endsWith('/') ? base.slice(0, -1) : base;
  const right = path.startsWith('/') ? path : `/${path}`;
  return `${left}${right}`;
}
