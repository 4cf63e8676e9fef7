import type { IncomingMessage, ServerResponse } from 'node:http';
import { TLSSocket } from 'node:tls';
import { handleApiV1 } from './api-v1-route.js';
import { handleControls } from './controls-routes.js';
import { handleCookies } from './cookies-route.js';
import { handleCustomize } from './customize-route.js';
import type { EmulatorContext } from './emulator-context.js';
import { handleEmulatorHub } from './emulator-hub-routes.js';
import type { EmulatorRequest } from './http-io.js';
import { sendText } from './http-io.js';
import { handleKioskRoute } from './kiosk-routes.js';
import { handleLoadHold } from './load-hold-route.js';
import { sendNotFoundPage } from './next-not-found.js';
import { applyUpstreamControls } from './upstream-fault.js';
import { handleApiV2 } from './api-v2-route.js';
import { handleConat } from './conat-route.js';
import { handleImpersonate } from './impersonate-route.js';

/**
 * The emulator's request handler: strips the base path and dispatches. API paths (`/api/v1`,
 * `/api/v2`, `/api/conat`) first pass through the server-side test controls.
 */
export function createRequestHandler(ctx: EmulatorContext): (raw: IncomingMessage, res: ServerResponse) => void {
  return (raw, res) => {
    route(ctx, raw, res).catch((err: unknown) => {
      // Never echo internals or secrets: a short, generic 500.
      console.error('[emulator] internal error:', (err as Error)?.message ?? err);
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  };
}

async function route(ctx: EmulatorContext, raw: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = raw.url ?? '/';
  const q = rawUrl.indexOf('?');
  const fullPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const search = q === -1 ? '' : rawUrl.slice(q);
  const base = ctx.options.basePath;
  let path: string;
  if (base === '/') path = fullPath;
  else if (fullPath === base) path = '/';
  else if (fullPath.startsWith(`${base}/`)) path = fullPath.slice(base.length);
  else {
    raw.resume();
    return sendNotFoundPage(res);
  }
  const req: EmulatorRequest = {
    raw,
    res,
    method: raw.method ?? 'GET',
    path,
    search,
    query: new URLSearchParams(search),
    secure: raw.socket instanceof TLSSocket,
  };

  if (await handleControls(ctx, req)) return;
  if (path.startsWith('/api/v1/') || path.startsWith('/api/v2/') || path.startsWith('/api/conat/')) {
    if (await applyUpstreamControls(ctx, req)) return;
    if (path.startsWith('/api/v1/')) return handleApiV1(ctx, req);
    if (path.startsWith('/api/v2/')) return handleApiV2(ctx, req);
    return handleConat(ctx, req);
  }
  if (await handleEmulatorHub(ctx, req)) return;
  if (handleLoadHold(ctx, req)) return;
  if (await handleKioskRoute(ctx, req)) return;
  if (path === '/customize' && (req.method === 'GET' || req.method === 'HEAD')) return handleCustomize(ctx, req);
  if (path === '/cookies' && req.method === 'GET') return handleCookies(ctx, req);
  if (path === '/auth/impersonate' && req.method === 'GET') return handleImpersonate(ctx, req);
  raw.resume();
  sendNotFoundPage(res);
}
