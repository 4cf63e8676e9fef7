import { cookieName, REMEMBER_ME_COOKIE_NAME } from './cookie-name.js';
import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { parseCookies } from './http-io.js';

/**
 * The account signed in by the request's `remember_me` cookie (base-path-prefixed name), if any.
 * None while the `expireSessions` control is on.
 */
export function sessionAccount(ctx: EmulatorContext, req: EmulatorRequest): string | undefined {
  if (ctx.controls.get().expireSessions) return undefined;
  const value = parseCookies(req.raw.headers.cookie).get(cookieName(ctx.options.basePath, REMEMBER_ME_COOKIE_NAME));
  return value ? ctx.store.accountForSession(value) : undefined;
}
