import { isAuthToken } from './auth-token.js';
import { CocalcError } from './cocalc-error.js';
import { isValidUuid } from './is-valid-uuid.js';
import { encodeProjectPath } from './project-path.js';

/**
 * Normalises a CoCalc base URL (`https://cocalc.example.edu` or one with a base path such as
 * `https://example.edu/cocalc`): scheme http(s), no query, no fragment, no trailing slash.
 * Built by hand rather than with `URL` because this package runs where no DOM or Node globals exist.
 */
export function normalizeCocalcUrl(url: unknown): string {
  if (typeof url !== 'string') throw invalid('cocalcUrl must be a string');
  const match = /^(https?):\/\/([^/?#\s@]+)(\/[^?#\s]*)?$/i.exec(url.trim());
  if (!match) throw invalid(`cocalcUrl must be an http(s) URL without query or fragment (got ${JSON.stringify(url)})`);
  const [, scheme, host, basePath = ''] = match;
  return `${scheme!.toLowerCase()}://${host!.toLowerCase()}${basePath.replace(/\/+$/, '')}`;
}

/** The origin (scheme, host, port) of a CoCalc base URL: what kiosk messages must come from. */
export function cocalcOrigin(cocalcUrl: string): string {
  const base = normalizeCocalcUrl(cocalcUrl);
  const hostEnd = base.indexOf('/', base.indexOf('://') + 3);
  let origin = hostEnd === -1 ? base : base.slice(0, hostEnd);
  // Browsers drop default ports from origins; do the same so `===` matches event.origin.
  origin = origin.replace(/^https:\/\/(.*):443$/, 'https://$1').replace(/^http:\/\/(.*):80$/, 'http://$1');
  return origin;
}

/** Inputs of {@link kioskUrl}. */
export interface KioskUrlOptions {
  /** CoCalc base URL, with base path if any. */
  readonly cocalcUrl: string;
  /** The project's UUID. */
  readonly projectId: string;
  /** File path relative to the project's home. */
  readonly path: string;
  /** Only for the `url` sign-in era (CoCalc ≤ 2024-10-18): the token travels in the query. */
  readonly authToken?: string;
}

/**
 * The kiosk URL CoCalc itself generates, `{base}/projects/{project_id}/files/{path}?session=&fullscreen=kiosk`,
 * with `auth_token` first when given (the API guide's form, docs/cocalc-protocol.md#kiosk-urls, #backend-flows).
 * The path is encoded segment by segment.
 */
export function kioskUrl(options: KioskUrlOptions): string {
  const base = normalizeCocalcUrl(options.cocalcUrl);
  if (!isValidUuid(options.projectId)) throw invalid(`projectId must be a UUID (got ${JSON.stringify(String(options.projectId))})`);
  const path = encodeProjectPath(options.path);
  let query = 'session=&fullscreen=kiosk';
  if (options.authToken !== undefined) {
    if (!isAuthToken(options.authToken)) throw invalid('authToken is not a 24-character CoCalc auth token');
    query = `auth_token=${options.authToken}&${query}`;
  }
  return `${base}/projects/${options.projectId.toLowerCase()}/files/${path}?${query}`;
}

/**
 * `{base}/auth/impersonate?auth_token=…`: CoCalc ≥ 2024-10-19 redeems tokens only here. It sets the
 * sign-in cookies and redirects to `/app`, dropping path and kiosk flag, so it must be loaded in a
 * throw-away frame before the kiosk frame is created (docs/cocalc-protocol.md#impersonate-sign-in).
 */
export function impersonateUrl(options: { readonly cocalcUrl: string; readonly authToken: string }): string {
  if (!isAuthToken(options.authToken)) throw invalid('authToken is not a 24-character CoCalc auth token');
  return `${normalizeCocalcUrl(options.cocalcUrl)}/auth/impersonate?auth_token=${options.authToken}`;
}

function invalid(message: string): CocalcError {
  return new CocalcError('INVALID_ARGUMENT', message);
}
