import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { readBody, sendJson } from './http-io.js';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
};

/**
 * The test controls (NOT CoCalc): `GET/POST {base}/__emulator/controls` (POST merges a JSON object)
 * and `POST {base}/__emulator/reset` (all off). CORS `*` on these paths only, so a test page on
 * another origin can drive them. Returns false for other paths.
 */
export async function handleControls(ctx: EmulatorContext, req: EmulatorRequest): Promise<boolean> {
  if (req.path !== '/__emulator/controls' && req.path !== '/__emulator/reset') return false;
  const { res } = req;
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...CORS, 'access-control-max-age': '600' });
    res.end();
    return true;
  }
  if (req.path === '/__emulator/reset') {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' }, CORS), true;
    sendJson(res, 200, ctx.controls.reset(), CORS);
    return true;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    sendJson(res, 200, ctx.controls.get(), { ...CORS, 'cache-control': 'no-store' });
    return true;
  }
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'use GET or POST' }, CORS), true;
  try {
    const body = await readBody(req.raw, 16 * 1024);
    sendJson(res, 200, ctx.controls.set(JSON.parse(body.toString('utf8') || '{}')), CORS);
  } catch (err) {
    sendJson(res, 400, { error: (err as Error).message }, CORS);
  }
  return true;
}
