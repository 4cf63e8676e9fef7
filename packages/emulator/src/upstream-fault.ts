import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { sendHtml, sendJson } from './http-io.js';

/** What a proxy in front of CoCalc (nginx) answers when the hub is down. */
const BAD_GATEWAY_HTML = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

/**
 * Applies the server-side test controls (NOT CoCalc) to an HTTP API request: `apiLatencyMs`
 * delays it, `upstream` replaces the answer with a 500 JSON, a 502 HTML page, a response that never
 * comes (until the server closes), or a reset connection. Returns true when the request was
 * answered (or swallowed) here.
 */
export async function applyUpstreamControls(ctx: EmulatorContext, req: EmulatorRequest): Promise<boolean> {
  const { apiLatencyMs, upstream } = ctx.controls.get();
  if (apiLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, apiLatencyMs));
  switch (upstream) {
    case 'ok':
      return false;
    case '500':
      sendJson(req.res, 500, { error: 'Internal Server Error' });
      return true;
    case 'html':
      sendHtml(req.res, 502, BAD_GATEWAY_HTML);
      return true;
    case 'slow':
      // Hold the response open; close() ends it. Drain the body so the client is not blocked writing.
      req.raw.resume();
      ctx.heldResponses.add(req.res);
      req.res.on('close', () => ctx.heldResponses.delete(req.res));
      return true;
    case 'reset':
      req.raw.socket.resetAndDestroy();
      return true;
  }
}
