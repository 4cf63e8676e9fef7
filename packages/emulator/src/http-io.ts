import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the emulator's routes see it: the path is relative to the base path. */
export interface EmulatorRequest {
  readonly raw: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Path below the base path, always starting with `/`, still percent-encoded. */
  readonly path: string;
  /** The raw query string including `?`, or `''`. */
  readonly search: string;
  readonly query: URLSearchParams;
  /** True when the connection is TLS. */
  readonly secure: boolean;
}

/** Thrown by {@link readBody} when the body exceeds the limit. */
export class BodyTooLargeError extends Error {}

/** Reads the whole request body, failing as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLargeError('request entity too large'));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError('request entity too large'));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Sends a JSON body (`undefined` becomes `null` so clients can always parse it). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body === undefined ? null : body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Sends an HTML body. */
export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), ...headers });
  res.end(html);
}

/** Sends a plain-text body. */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A 302 redirect, as Express's `res.redirect` sends it. */
export function redirect(res: ServerResponse, location: string): void {
  const body = `Found. Redirecting to ${location}`;
  res.writeHead(302, { location, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Escapes text for an HTML body or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The request's cookies by name (first occurrence wins, values URI-decoded when possible). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!cookies.has(name)) {
      try {
        cookies.set(name, decodeURIComponent(value));
      } catch {
        cookies.set(name, value);
      }
    }
  }
  return cookies;
}

/** Attributes of a `Set-Cookie` header. */
export interface CookieOptions {
  readonly maxAgeMs?: number;
  readonly path?: string;
  readonly httpOnly?: boolean;
  readonly secure?: boolean;
  readonly sameSite?: 'strict' | 'lax' | 'none';
}

// RFC 6265 token / cookie-octet rules, the same check the `cookies` package CoCalc uses applies.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/** True when `name` may be used as a cookie name. */
export function isCookieName(name: string): boolean {
  return COOKIE_NAME.test(name);
}

/** True when `value` may be sent as a raw cookie value. */
export function isCookieValue(value: string): boolean {
  return COOKIE_VALUE.test(value);
}

/**
 * A `Set-Cookie` header value in the format of the `cookies` package CoCalc uses (lower-case
 * attributes, `expires` next to max-age). Throws on names or values that would inject attributes.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!isCookieName(name)) throw new TypeError('argument name is invalid');
  if (!isCookieValue(value)) throw new TypeError('argument value is invalid');
  let header = `${name}=${value}; path=${options.path ?? '/'}`;
  if (options.maxAgeMs !== undefined) header += `; expires=${new Date(Date.now() + options.maxAgeMs).toUTCString()}`;
  if (options.sameSite) header += `; samesite=${options.sameSite}`;
  if (options.secure) header += '; secure';
  if (options.httpOnly) header += '; httponly';
  return header;
}

/** Appends a `Set-Cookie` header without dropping earlier ones. */
export function appendSetCookie(res: ServerResponse, cookie: string): void {
  const previous = res.getHeader('set-cookie');
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  res.setHeader('set-cookie', [...list, cookie]);
}
