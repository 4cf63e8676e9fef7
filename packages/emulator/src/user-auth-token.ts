import { isValidUuid } from '@cocalc-embed/protocol';
import type { EmulatorContext } from './emulator-context.js';
import { coerceText } from './coerce-text.js';
import { OperationError } from './operation-error.js';

/** Ban length after a wrong password: 60 s in the v1 era, 30 s in modern CoCalc (docs/cocalc-protocol.md#auth-tokens). */
export const BAN_MS = { classic: 60_000, modern: 30_000 } as const;

/**
 * Mints a user auth token for `target` on behalf of `requester`, with CoCalc's rules:
 * - classic (`hub/auth-token.coffee`): an admin may pass `password: ""`; any non-empty password is
 *   always checked (even for admins); a target without a password never passes; a wrong password
 *   bans the (requester, target) pair for 60 s ("banned -- please wait at least 60s before trying again").
 * - modern (`server/auth/auth-token.ts`): admins need no password; others must give the target's
 *   correct password; ban 30 s.
 * The token is 24 alphanumerics, reusable until it expires after the configured TTL.
 */
export function mintUserAuthToken(ctx: EmulatorContext, requester: string, target: unknown, password: unknown): string {
  const era = ctx.options.generation;
  const banMs = BAN_MS[era];
  if (typeof target !== 'string' || target === '') throw new OperationError('invalid user account_id');
  if (ctx.bans.isBanned(requester, target, banMs)) {
    throw new OperationError(`banned -- please wait at least ${banMs / 1000}s before trying again`);
  }
  const pw = coerceText(password);
  const isAdmin = ctx.store.isAdmin(requester);
  const skipCheck = era === 'classic' ? isAdmin && pw === '' : isAdmin;
  if (!skipCheck) {
    if (!isValidUuid(target) || !ctx.store.isPasswordCorrect(target, pw)) {
      ctx.bans.ban(requester, target);
      throw new OperationError('incorrect password');
    }
  } else if (!isValidUuid(target) || !ctx.store.account(target)) {
    throw new OperationError(`no account with id '${target}'`);
  }
  return ctx.store.createAuthToken(target.toLowerCase(), ctx.options.tokenTtlSeconds);
}

/** The account a token signs in, or undefined when unknown, expired, or `expireTokens` is on. */
export function redeemAuthToken(ctx: EmulatorContext, token: string): string | undefined {
  if (ctx.controls.get().expireTokens) return undefined;
  return ctx.store.accountForAuthToken(token);
}
