import { randomBytes } from 'node:crypto';
import { ACCOUNT_ID_COOKIE_NAME, cookieName, REMEMBER_ME_COOKIE_NAME } from './cookie-name.js';
import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { appendSetCookie, parseCookies, serializeCookie } from './http-io.js';

/** The session cookie of CoCalc's Express session middleware, set on every hub answer that lacks one. */
export const CONNECT_SID_COOKIE_NAME = 'connect.sid';

/**
 * Signs `accountId` in the way CoCalc's hub does (impersonation, anonymous sign-up): a new
 * remember_me session of `ttlSeconds`, and the cookies exactly as a real CoCalc sets them:
 * - `remember_me`: path=/, expires, `samesite=<samesite_remember_me setting>`, `httponly`, and
 *   `secure` only when the request came over HTTPS (CoCalc asks the request whether it is secure;
 *   over plain http it leaves the flag off, so WebKit, which drops every Secure cookie on
 *   http://localhost, keeps it);
 * - `account_id`: path=/, expires, nothing else (readable by the app's JavaScript; never Secure,
 *   no SameSite, no HttpOnly).
 * Both names get the base-path prefix. The caller adds `connect.sid` with {@link ensureConnectSid}.
 */
export function setSignInCookies(ctx: EmulatorContext, req: EmulatorRequest, accountId: string, ttlSeconds: number): void {
  const value = ctx.store.createSession(accountId, ttlSeconds);
  const base = ctx.options.basePath;
  const maxAgeMs = ttlSeconds * 1000;
  appendSetCookie(
    req.res,
    serializeCookie(cookieName(base, ACCOUNT_ID_COOKIE_NAME), accountId, { maxAgeMs }),
  );
  appendSetCookie(
    req.res,
    serializeCookie(cookieName(base, REMEMBER_ME_COOKIE_NAME), value, {
      maxAgeMs,
      sameSite: ctx.options.samesiteRememberMe,
      secure: req.secure,
      httpOnly: true,
    }),
  );
}

/**
 * CoCalc's hub runs an Express session middleware: every answer to a request without a
 * `connect.sid` cookie sets a fresh one (`connect.sid=s%3A<id>.<signature>; Path=/; HttpOnly`, a
 * browser-session cookie, never Secure). The value means nothing here; it is only reproduced so
 * clients see the same headers.
 */
export function ensureConnectSid(req: EmulatorRequest): void {
  if (parseCookies(req.raw.headers.cookie).has(CONNECT_SID_COOKIE_NAME)) return;
  const id = randomBytes(24).toString('base64url').slice(0, 32);
  const signature = randomBytes(32).toString('base64').replace(/=+$/, '');
  appendSetCookie(req.res, `${CONNECT_SID_COOKIE_NAME}=s%3A${id}.${encodeURIComponent(signature)}; Path=/; HttpOnly`);
}
