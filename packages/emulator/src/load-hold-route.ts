import type { ServerResponse } from 'node:http';
import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';

/** A hold ends by itself after this long, so a kiosk that never releases cannot stall a page. */
const MAX_HOLD_MS = 5_000;
/** At most this many holds at once; more are answered at once. */
const MAX_HOLDS = 200;
const HOLD_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** A transparent 1×1 GIF: what a held request is finally answered with. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * `{base}/static/app-assets.gif` (NOT CoCalc): stands in for the many scripts, styles and fonts
 * of CoCalc's app that keep the document's `load` pending while the app script already runs and
 * its postMessage bridge already listens. The kiosk app adds a hidden `<img
 * src="…?hold=<id>">` at start (which delays `load`) and, once it has booted, `POST …?release=<id>`;
 * the held response (a 1×1 GIF) then ends and `load` follows. An image rather than a stylesheet
 * because Firefox holds the page's other requests back while a stylesheet is pending. Returns false for other
 * paths.
 */
export function handleLoadHold(ctx: EmulatorContext, req: EmulatorRequest): boolean {
  if (req.path !== '/static/app-assets.gif') return false;
  if (req.method === 'POST') {
    req.raw.resume();
    const id = req.query.get('release') ?? '';
    const held = ctx.loadHolds.get(id);
    if (held) finish(ctx, id, held);
    req.res.writeHead(204).end();
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const id = req.query.get('hold') ?? '';
  if (!HOLD_ID.test(id) || ctx.loadHolds.has(id) || ctx.loadHolds.size >= MAX_HOLDS) {
    sendPixel(req.res);
    return true;
  }
  ctx.loadHolds.set(id, req.res);
  const timer = setTimeout(() => finish(ctx, id, req.res), MAX_HOLD_MS);
  req.res.once('close', () => {
    clearTimeout(timer);
    if (ctx.loadHolds.get(id) === req.res) ctx.loadHolds.delete(id);
  });
  return true;
}

function finish(ctx: EmulatorContext, id: string, res: ServerResponse): void {
  ctx.loadHolds.delete(id);
  sendPixel(res);
}

function sendPixel(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, { 'content-type': 'image/gif', 'content-length': PIXEL.length, 'cache-control': 'no-store' });
  res.end(PIXEL);
}
