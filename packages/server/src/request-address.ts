import type { Context } from 'hono';
import type { TrustedProxies } from './trusted-proxies.js';

/** The part of a Hono context that says where a request came from (any route's context has it). */
type Arrived = Pick<Context, 'req' | 'env'>;

/** Where a request came from, as far as this server may believe it. */
export class RequestAddress {
  constructor(
    private readonly proxies: TrustedProxies,
    /** The host's own client address lookup, when not running under `@hono/node-server`. */
    private readonly custom?: (request: Request) => string | undefined,
  ) {}

  /**
   * The client address for per-IP limits: the host's own `clientAddress` when given, else the
   * socket peer, or what a trusted proxy says in `X-Forwarded-For` (never what a client says).
   */
  clientIp(c: Arrived): string {
    const fromCustom = this.custom?.(c.req.raw);
    if (fromCustom) return fromCustom;
    const peer = peerAddress(c);
    return peer ? this.proxies.clientAddress(peer, c.req.header('x-forwarded-for')) : 'unknown';
  }

  /** Whether the browser reached us over https: the URL, or `X-Forwarded-Proto` from a trusted proxy. */
  isHttps(c: Arrived): boolean {
    if (this.proxies.trusts(peerAddress(c))) {
      const proto = (c.req.header('x-forwarded-proto') ?? '').split(',').pop()?.trim().toLowerCase();
      if (proto) return proto === 'https';
    }
    return new URL(c.req.url).protocol === 'https:';
  }

  /** This request's own origin as the browser sees it: scheme (see {@link isHttps}) and `Host`. */
  origin(c: Arrived): string {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    try {
      return new URL(`${this.isHttps(c) ? 'https' : 'http'}://${host}`).origin; // normalises case and default ports
    } catch {
      return 'null';
    }
  }
}

/** The socket peer's address under `@hono/node-server`, if there is one. */
function peerAddress(c: Arrived): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; server?: { incoming?: { socket?: { remoteAddress?: string } } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.server?.incoming?.socket?.remoteAddress;
}
