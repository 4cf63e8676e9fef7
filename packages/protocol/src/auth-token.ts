/**
 * CoCalc auth tokens are 24 characters from `random_key.generate(24)` / `generate(24)`
 * (docs/cocalc-protocol.md#auth-tokens): letters and digits. Anything else is not a token and must never reach
 * an iframe URL.
 */
export const AUTH_TOKEN_PATTERN = /^[A-Za-z0-9]{24}$/;

/** True when `value` has the shape of a CoCalc auth token. */
export function isAuthToken(value: unknown): value is string {
  return typeof value === 'string' && AUTH_TOKEN_PATTERN.test(value);
}

/** A token shortened for logs and diagnostics: never the whole secret. */
export function redactToken(token: string): string {
  return token.length <= 4 ? '…' : `…${token.slice(-4)}`;
}
