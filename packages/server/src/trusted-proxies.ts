import { BlockList, isIP } from 'node:net';

/**
 * The reverse proxies whose forwarding headers this backend believes (`COCALC_EMBED_TRUSTED_PROXIES`):
 * exact addresses or CIDR ranges, IPv4 or IPv6, matched with Node's own `BlockList`. A request
 * from any other peer is judged by its socket address alone, so a client cannot pick its own
 * per-IP bucket (or claim https) by sending `X-Forwarded-For` / `X-Forwarded-Proto` itself.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  /** `entries` must each pass {@link TrustedProxies.problem}. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(prefix), family);
    }
    this.empty = entries.length === 0;
  }

  /** Why `entry` is not an address or CIDR range, or `undefined` when it is one. */
  static problem(entry: string): string | undefined {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || extra !== undefined) return `"${entry.slice(0, 60)}" is not an IP address or CIDR range`;
    if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))) {
      return `"${entry.slice(0, 60)}" has a bad prefix length`;
    }
    return undefined;
  }

  /** Whether `address` (a socket's remote address) is one of the trusted proxies. */
  trusts(address: string | undefined): boolean {
    if (this.empty || !address) return false;
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }

  /**
   * The client's address: the socket peer, unless that is a trusted proxy; then the nearest
   * `X-Forwarded-For` hop (right to left) that is not itself a trusted proxy. Hops further left
   * were written by the client and are never believed.
   */
  clientAddress(peer: string, forwardedFor: string | undefined): string {
    let client = unmapped(peer);
    if (!this.trusts(client) || !forwardedFor) return client;
    const hops = forwardedFor.split(',').map((h) => unmapped(h.trim())).filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) break; // garbage: keep the last address a trusted proxy vouched for
      client = hop;
      if (!this.trusts(hop)) break;
    }
    return client;
  }
}

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) → `127.0.0.1`. */
function unmapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}
