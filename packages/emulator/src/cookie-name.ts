/** The sign-in cookie CoCalc uses (`src/packages/backend/auth/cookie-names.ts`). */
export const REMEMBER_ME_COOKIE_NAME = 'remember_me';
/** The JS-readable cookie CoCalc sets next to `remember_me` on impersonation. */
export const ACCOUNT_ID_COOKIE_NAME = 'account_id';

/**
 * CoCalc's `basePathCookieName`: the name is prefixed with `encodeURIComponent(basePath)` when the
 * base path is not `/` (e.g. `%2Fcocalcremember_me`), so two CoCalcs on one host don't collide.
 */
export function cookieName(basePath: string, name: string): string {
  return basePath === '/' ? name : `${encodeURIComponent(basePath)}${name}`;
}
