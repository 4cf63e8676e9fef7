import type { SignInEra } from '@cocalc-embed/protocol';
import type { ApiGeneration } from './cocalc-api.js';

/**
 * How long CoCalc keeps an auth token it minted, by API generation (`COCALC_TOKEN_TTL_SECONDS`
 * overrides): API v1's `user_auth` gave 12 h; current CoCalc's `generateUserAuthToken` gives 24 h.
 */
export const TOKEN_TTL_SECONDS: Readonly<Record<ApiGeneration, number>> = { v1: 12 * 3600, modern: 24 * 3600 };

/**
 * How long the CoCalc session a token sign-in creates lasts, by sign-in era. Both are CoCalc
 * constants, not settings: `url` (?auth_token= on the kiosk URL) makes a `remember_me` session
 * that CoCalc's database keeps 12 h; `impersonate` sets `remember_me` and `account_id` cookies
 * with a 12 h lifetime (observed on a real current CoCalc, whose token itself lasts 24 h).
 */
export const SESSION_TTL_SECONDS: Readonly<Record<SignInEra, number>> = { url: 12 * 3600, impersonate: 12 * 3600 };

/**
 * Seconds a token minted now keeps the kiosk signed in: the element signs in right away, so the
 * session ends 12 h after the mint (at the latest a few seconds later), unless the token itself
 * expires first. Renewal must follow this, not the token's own lifetime.
 */
export function grantSeconds(tokenTtlSeconds: number, era: SignInEra): number {
  return Math.min(tokenTtlSeconds, SESSION_TTL_SECONDS[era]);
}

/**
 * The sign-in era `COCALC_SIGN_IN=auto` picks for each detected API generation: API v1 servers only
 * know `?auth_token=` on the URL; current CoCalc signs in through `/auth/impersonate`.
 */
export const DEFAULT_SIGN_IN_ERA: Readonly<Record<ApiGeneration, SignInEra>> = { v1: 'url', modern: 'impersonate' };
