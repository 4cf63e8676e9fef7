import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the demo session cookie. */
export const DEMO_COOKIE_NAME = 'cocalc_embed_demo_user';

/** The site's notion of who is asking: the only input to the user → CoCalc mapping. */
export type Authenticate = (request: Request) => Promise<{ userId: string } | null>;

/** Options of {@link createDemoAuth}. */
export interface DemoAuthOptions {
  /** HMAC key (≥ 32 chars). */
  secret: string;
  /** The fixed allow-list of demo users. */
  users: readonly string[];
  /** Cookie lifetime; default 8 h. */
  ttlSeconds?: number;
  now?: () => number;
}

/** The demo's stand-in for a real site login. */
export interface DemoAuth {
  /** Reads and verifies the cookie: a valid signature, not expired, user still on the list. */
  authenticate: Authenticate;
  /** `Set-Cookie` value signing in `user` (caller checks the allow-list first). */
  loginCookie(user: string, secure: boolean): string;
  /** `Set-Cookie` value clearing the cookie. */
  logoutCookie(secure: boolean): string;
  /** Whether `user` is on the allow-list. */
  isAllowed(user: unknown): user is string;
}

/**
 * A deliberately simple demo login: `cocalc_embed_demo_user=<user>.<expiry>.<hmac>`, HttpOnly and
 * SameSite=Lax so a cross-site POST does not carry it. Real sites replace it with their own
 * `authenticate`.
 */
export function createDemoAuth(options: DemoAuthOptions): DemoAuth {
  const ttl = options.ttlSeconds ?? 8 * 3600;
  const now = options.now ?? Date.now;
  const users = new Set(options.users);
  const sign = (payload: string) => createHmac('sha256', options.secret).update(payload).digest('base64url');
  const attrs = (secure: boolean) => `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

  return {
    isAllowed: (user): user is string => typeof user === 'string' && users.has(user),
    loginCookie(user, secure) {
      const payload = `${user}.${Math.floor(now() / 1000) + ttl}`;
      return `${DEMO_COOKIE_NAME}=${payload}.${sign(payload)}; Max-Age=${ttl}; ${attrs(secure)}`;
    },
    logoutCookie: (secure) => `${DEMO_COOKIE_NAME}=; Max-Age=0; ${attrs(secure)}`,
    async authenticate(request) {
      const value = readCookie(request.headers.get('cookie'), DEMO_COOKIE_NAME);
      if (!value) return null;
      const parts = value.split('.');
      if (parts.length !== 3) return null;
      const [user, expiry, mac] = parts as [string, string, string];
      const expected = Buffer.from(sign(`${user}.${expiry}`));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      if (!(Number(expiry) * 1000 > now()) || !users.has(user)) return null;
      return { userId: user };
    },
  };
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
