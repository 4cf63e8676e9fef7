import { TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { apiFailure } from './api-failure.js';
import type { Authenticate } from './demo-auth.js';
import type { Logger } from './logger.js';
import type { RateLimit } from './rate-limit.js';
import type { RequestAddress } from './request-address.js';

/** Options of {@link routeGuards}. */
export interface RouteGuardOptions {
  /** Accept `Sec-Fetch-Site: same-site` as well as same-origin (`COCALC_EMBED_ALLOW_SAME_SITE`). */
  allowSameSite: boolean;
  address: RequestAddress;
  authenticate: Authenticate;
  logger: Logger;
}

/** What {@link RouteGuards.signedIn} leaves for the handlers after it. */
export type SignedIn = { Variables: { userId: string } };
/** What {@link RouteGuards.jsonBody} leaves for the handlers after it. */
export type JsonBody = { Variables: { body: unknown } };

/**
 * The checks a state-changing endpoint runs before its own work, each a Hono middleware that
 * answers the request itself when it refuses it. Every route puts them in the same order:
 * `postOnly` → `limitByIp` → `signedIn` → `limitByUser` → `jsonBody`, leaving out what it does not
 * need (a sign-in has no user yet; sign-out has no body).
 */
export interface RouteGuards {
  /**
   * The CSRF gate: POST only (405), no cross-site Fetch Metadata (403), the custom header (403: a
   * form cannot set it, a cross-site fetch needs a preflight we never grant), and with `json` an
   * `application/json` body (415).
   */
  postOnly(options?: { json?: boolean }): MiddlewareHandler;
  /** One unit of `limit` per client address (429 with `Retry-After` when spent). */
  limitByIp(limit: RateLimit, message: string): MiddlewareHandler;
  /** The site's user (401 when nobody, or a user id that is empty or longer than 200). */
  readonly signedIn: MiddlewareHandler<SignedIn>;
  /** One unit of `limit` per signed-in user (429 with `Retry-After` when spent). */
  limitByUser(limit: RateLimit, message: string): MiddlewareHandler<SignedIn>;
  /** The parsed JSON body, which the body-limit middleware has already bounded (400 if unreadable or not JSON). */
  readonly jsonBody: MiddlewareHandler<JsonBody>;
}

/** Builds the {@link RouteGuards} of one token app. */
export function routeGuards(options: RouteGuardOptions): RouteGuards {
  const { allowSameSite, address, authenticate, logger } = options;
  return {
    postOnly: ({ json = true } = {}) =>
      createMiddleware(async (c, next) => {
        if (c.req.method !== 'POST') return apiFailure(c, 405, 'METHOD_NOT_ALLOWED', 'Use POST.', { allow: 'POST' });
        const site = c.req.header('sec-fetch-site');
        if (site !== undefined && !(site === 'same-origin' || site === 'none' || (allowSameSite && site === 'same-site'))) {
          return apiFailure(c, 403, 'FORBIDDEN', 'Cross-site requests are refused.');
        }
        if (!c.req.header(TOKEN_REQUEST_HEADER)) return apiFailure(c, 403, 'FORBIDDEN', `The ${TOKEN_REQUEST_HEADER} header is required.`);
        if (json && !/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
          return apiFailure(c, 415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json.');
        }
        await next();
      }),

    limitByIp: (limit, message) =>
      createMiddleware(async (c, next) => {
        const ip = address.clientIp(c);
        const decision = await limit.take(ip);
        if (!decision.allowed) {
          logger.warn('rate limited', { scope: 'ip', path: c.req.path, ip });
          return apiFailure(c, 429, 'RATE_LIMITED', message, { 'retry-after': String(decision.retryAfterSeconds) });
        }
        await next();
      }),

    signedIn: createMiddleware<SignedIn>(async (c, next) => {
      const who = await authenticate(c.req.raw);
      if (!who || typeof who.userId !== 'string' || who.userId.length === 0 || who.userId.length > 200) {
        return apiFailure(c, 401, 'UNAUTHENTICATED', 'Sign in to this site first.');
      }
      c.set('userId', who.userId);
      await next();
    }),

    limitByUser: (limit, message) =>
      createMiddleware<SignedIn>(async (c, next) => {
        const userId = c.get('userId');
        const decision = await limit.take(userId);
        if (!decision.allowed) {
          logger.warn('rate limited', { scope: 'user', path: c.req.path, userId });
          return apiFailure(c, 429, 'RATE_LIMITED', message, { 'retry-after': String(decision.retryAfterSeconds) });
        }
        await next();
      }),

    jsonBody: createMiddleware<JsonBody>(async (c, next) => {
      let text: string;
      try {
        text = await c.req.text();
      } catch {
        return apiFailure(c, 400, 'BAD_REQUEST', 'The body could not be read.');
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return apiFailure(c, 400, 'BAD_REQUEST', 'The body is not valid JSON.');
      }
      c.set('body', body);
      await next();
    }),
  };
}
