import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createServer, type ViteDevServer } from 'vite';

const DEMO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe("the demo's Vite proxy to the token backend", () => {
  let backend: Server;
  let vite: ViteDevServer;
  let seen: IncomingHttpHeaders[] = [];
  before(async () => {
    // A stand-in backend that records what the proxy forwards.
    backend = createHttpServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"user":null}');
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    process.env.VITE_BACKEND_URL = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    // The demo's own config, on a free port (the configured 5173 belongs to `pnpm start`).
    vite = await createServer({ root: DEMO, configFile: resolve(DEMO, 'vite.config.ts'), logLevel: 'silent', server: { port: 0, strictPort: false, watch: null } });
    await vite.listen();
  });
  after(async () => {
    await vite?.close();
    await new Promise((r) => backend?.close(r));
    delete process.env.VITE_BACKEND_URL;
  });

  it('appends the visitor\'s own address to X-Forwarded-For, after anything the visitor claimed', async () => {
    seen = [];
    const url = vite.resolvedUrls!.local[0]!.replace(/\/$/, '');
    const res = await fetch(`${url}/api/demo/whoami`, { headers: { 'x-forwarded-for': '203.0.113.66' } });
    assert.equal(res.status, 200);
    assert.equal(seen.length, 1);
    const hops = String(seen[0]!['x-forwarded-for']).split(',').map((h) => h.trim());
    // The backend trusts only this proxy (127.0.0.1) and so reads the last hop: the real visitor.
    assert.deepEqual(hops, ['203.0.113.66', '127.0.0.1']);
    assert.equal(seen[0]!['x-forwarded-proto'], 'http');
    assert.match(String(seen[0]!.host), /^(127\.0\.0\.1|localhost):\d+$/, 'Host is kept (changeOrigin: false), so Origin checks see the page\'s origin');
  });
});
