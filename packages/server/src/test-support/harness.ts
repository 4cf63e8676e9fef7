import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import { loadConfig, type ServerConfig } from '../load-config.js';
import { createLogger } from '../logger.js';
import { startServer, type RunningServer } from '../start-server.js';

/** A running token backend wired to some upstream, with demo auth on and logs captured. */
export interface Harness {
  readonly server: RunningServer;
  readonly config: ServerConfig;
  readonly logs: string[];
  readonly dataDir: string;
  /** Signs `user` in through the demo endpoint and returns the cookie header value. */
  login(user: string): Promise<string>;
  /** POSTs to the token endpoint the way the element does (same-origin, custom header, JSON). */
  mint(cookie: string | undefined, body: unknown, headers?: Record<string, string>, signal?: AbortSignal): Promise<Response>;
  /** POSTs to the revoke endpoint the same way. */
  revoke(cookie: string | undefined, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Starts a backend against `upstream` on port 0. `env` overrides any variable; `now` replaces the clock. */
export async function startHarness(
  upstream: { url: string; apiKey: string },
  env: Record<string, string> = {},
  dataDir?: string,
  options: { now?: () => number } = {},
): Promise<Harness> {
  const ownsDir = dataDir === undefined;
  dataDir ??= mkdtempSync(join(tmpdir(), 'cocalc-embed-server-'));
  const config = loadConfig({
    COCALC_URL: upstream.url,
    COCALC_API_KEY: upstream.apiKey,
    COCALC_EMBED_DATA_DIR: dataDir,
    COCALC_EMBED_DEMO_AUTH: '1',
    COCALC_EMBED_SESSION_SECRET: 'test-secret-0123456789abcdef0123456789',
    COCALC_UPSTREAM_TIMEOUT_MS: '1500',
    COCALC_EMBED_RATE_USER_PER_MIN: '600',
    COCALC_EMBED_RATE_USER_BURST: '100',
    COCALC_EMBED_RATE_IP_PER_MIN: '6000',
    COCALC_EMBED_RATE_IP_BURST: '1000',
    ...env,
  });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line), secrets: [config.apiKey] });
  const server = await startServer({ config, logger, port: 0, host: '127.0.0.1', now: options.now });
  const base = server.url;
  return {
    server,
    config,
    logs,
    dataDir: dataDir!,
    async login(user) {
      const res = await fetch(`${base}/api/demo/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1', 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ user }),
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
      return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    },
    mint(cookie, body, headers = {}, signal) {
      return post('/api/cocalc/token', cookie, body, headers, signal);
    },
    revoke(cookie, body, headers = {}) {
      return post('/api/cocalc/token/revoke', cookie, body, headers);
    },
    async close() {
      await server.close();
      if (ownsDir) removeDir(dataDir);
    },
  };

  function post(path: string, cookie: string | undefined, body: unknown, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    return fetch(`${base}${path}`, {
      signal,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [TOKEN_REQUEST_HEADER]: '1',
        'sec-fetch-site': 'same-origin',
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }
}

/** Removes a temp data folder. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
