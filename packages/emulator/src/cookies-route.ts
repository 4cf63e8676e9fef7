import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { appendSetCookie, serializeCookie, sendText } from './http-io.js';

const SIX_MONTHS_MS = 1000 * 24 * 3600 * 30 * 6;

/**
 * `GET {base}/cookies?set=<name>&value=<v>` (the `url` era, `hub/servers/app/set-cookies.ts`): the
 * browser asks the hub to set a cookie, HttpOnly, Path=/, with a 6-month max-age. Like CoCalc it
 * sets whatever name it is given; names and values that are not valid cookie syntax are refused
 * (the `cookies` package throws) so no attribute can be injected.
 *
 * Over HTTPS the attributes are CoCalc's `COOKIE_OPTIONS`: `Secure; SameSite=None`. Over plain
 * http (only ever the local demo and tests) the cookie is `SameSite=Lax` without `Secure`: a
 * deliberate deviation. WebKit drops every Secure cookie on http://localhost, and the other
 * engines drop `SameSite=None` without Secure, so CoCalc's own attributes would leave some engine
 * signed out on the http demo; Lax is what every engine keeps in a same-site iframe.
 */
export function handleCookies(_ctx: EmulatorContext, req: EmulatorRequest): void {
  const name = req.query.get('set');
  if (name) {
    const value = req.query.get('value') ?? '';
    let header: string;
    try {
      header = serializeCookie(name, value, {
        maxAgeMs: SIX_MONTHS_MS,
        httpOnly: true,
        secure: req.secure,
        sameSite: req.secure ? 'none' : 'lax',
      });
    } catch (err) {
      sendText(req.res, 500, `TypeError: ${(err as Error).message}`);
      return;
    }
    appendSetCookie(req.res, header);
  }
  req.res.writeHead(200, { 'content-length': 0 });
  req.res.end();
}
