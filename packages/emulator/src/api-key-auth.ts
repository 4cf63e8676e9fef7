import { timingSafeEqual } from 'node:crypto';
import type { EmulatorContext } from './emulator-context.js';
import { secretDigest } from './secret-digest.js';

/** An authentication failure with CoCalc's message (`src/packages/server/auth/api.ts`). */
export class ApiAuthError extends Error {}

/**
 * The API key from an `Authorization` header: `Bearer <key>`, or `Basic base64("<key>:")` with the
 * key as the user name (CoCalc's `getApiKey`). Throws {@link ApiAuthError} with CoCalc's messages.
 */
export function apiKeyFromHeader(header: string | undefined): string {
  if (!header) throw new ApiAuthError('You must provide authentication via an API key.');
  const space = header.indexOf(' ');
  const type = space === -1 ? header : header.slice(0, space);
  const rest = space === -1 ? '' : header.slice(space + 1).trim();
  switch (type) {
    case 'Bearer':
      return rest;
    case 'Basic':
      return Buffer.from(rest, 'base64').toString('utf8').split(':')[0] ?? '';
    default:
      throw new ApiAuthError(`Unknown authorization type '${type}'`);
  }
}

/** The account an API key acts as: the configured admin key, or a key minted by `create_account`. */
export function accountForApiKey(ctx: EmulatorContext, key: string): string | undefined {
  if (!key) return undefined;
  const given = Buffer.from(secretDigest(key), 'hex');
  const admin = Buffer.from(secretDigest(ctx.options.apiKey), 'hex');
  if (timingSafeEqual(given, admin)) return ctx.adminAccountId;
  return ctx.store.accountForApiKey(key);
}

/** Resolves the header to an account or throws {@link ApiAuthError} (missing, malformed or unknown key). */
export function requireApiAccount(ctx: EmulatorContext, header: string | undefined): string {
  const accountId = accountForApiKey(ctx, apiKeyFromHeader(header));
  if (!accountId) throw new ApiAuthError('No account found. Is your API key wrong?');
  return accountId;
}
