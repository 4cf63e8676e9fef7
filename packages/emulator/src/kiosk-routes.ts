import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { escapeHtml, redirect, sendHtml, sendText } from './http-io.js';

/** CoCalc's `APP_ROUTES` (`src/packages/util/routing/app.ts`): top-level paths redirected to the app. */
export const APP_ROUTES = ['admin', 'projects', 'settings', 'notifications'] as const;

/** `join(basePath, path)` for URL paths. */
export function joinBase(basePath: string, path: string): string {
  return basePath === '/' ? path : `${basePath}${path}`;
}

/**
 * The kiosk page routes as CoCalc ≥ 2024-01 routes them (docs/cocalc-protocol.md#kiosk-urls,
 * `hub/servers/app/app-redirect.ts`, `express-app.ts`):
 * `GET {base}/projects/…?q` → 302 `{base}/static/app.html?target=<original path+query>`;
 * `GET {base}/app?q` → 302 `{base}/static/app.html?q`; `{base}/static/app.html` is the app and
 * `{base}/static/app.js` its bundle. Returns false when the request is not one of these.
 */
export async function handleKioskRoute(ctx: EmulatorContext, req: EmulatorRequest): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const base = ctx.options.basePath;
  const top = req.path.split('/')[1] ?? '';
  if ((APP_ROUTES as readonly string[]).includes(top.replace(/[?#].*$/, ''))) {
    // Like CoCalc: `target` is req.url below the base path, encoded by URLSearchParams.
    const search = new URLSearchParams({ target: `${req.path}${req.search}` }).toString();
    redirect(req.res, `${joinBase(base, '/static/app.html')}?${search}`);
    return true;
  }
  if (req.path === '/app') {
    redirect(req.res, `${joinBase(base, '/static/app.html')}${req.search}`);
    return true;
  }
  if (req.path === '/static/app.html') {
    const { neverReady, bridgeAfterLoad } = ctx.controls.get();
    const bridge = neverReady ? 'never' : bridgeAfterLoad ? 'after-load' : 'early';
    sendHtml(req.res, 200, appHtml(ctx.options.siteName, bridge), { 'cache-control': 'no-cache' });
    return true;
  }
  if (req.path === '/static/app.js') {
    try {
      const js = await ctx.kioskBundle.get();
      req.res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'content-length': Buffer.byteLength(js),
        'cache-control': 'no-cache',
      });
      req.res.end(req.method === 'HEAD' ? undefined : js);
    } catch (err) {
      sendText(req.res, 500, `kiosk app bundle failed to build:\n${(err as Error).message}`);
    }
    return true;
  }
  return false;
}

function appHtml(siteName: string, bridge: 'early' | 'after-load' | 'never'): string {
  // The script is relative so the page works under any base path (`{base}/static/app.js`).
  // The `cocalc-emulator-bridge` meta (NOT CoCalc) carries the bridge test controls, which the
  // app needs synchronously: CoCalc's listener goes live while its script runs.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="cocalc-emulator-bridge" content="${bridge}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(siteName)}</title>
</head>
<body>
<div id="cocalc-webapp-container"></div>
<script type="module" src="app.js"></script>
</body>
</html>
`;
}
