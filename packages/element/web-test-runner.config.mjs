// Browser tests of <cocalc-notebook> (Chromium via Playwright, port 8002). At load this config starts,
// in-process:
// - a small fake CoCalc + fake token endpoint on the dev server itself (test/fake-cocalc.mjs), for
//   tests that must look inside the kiosk frame or pick a token-endpoint failure mode;
// - the real emulator twice (classic = `url` sign-in era, modern = `impersonate` era) on their own
//   origins, each with a real token server, proxied to /api/cocalc/token and /api-modern/cocalc/token
//   so the endpoint is same-origin with the page, as in production;
// - a route POST /__emulator-controls?pair=classic|modern that flips emulator test controls.
import { wtrLaunchers } from '../../scripts/wtr-launchers.mjs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { register } from 'tsx/esm/api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeCocalc } from './test/fake-cocalc.mjs';
import { build } from 'esbuild';

const PORT = 8002;
const fake = createFakeCocalc();

register(); // before the imports below: the workspace packages export TypeScript source
const { startEmulator } = await import('@cocalc-embed/emulator');
const { loadConfig, startServer } = await import('@cocalc-embed/server');
const tmp = mkdtempSync(join(tmpdir(), 'element-wtr-'));
const pairs = {};
for (const generation of ['classic', 'modern']) {
  const emulator = await startEmulator({
    port: 0,
    dataDir: join(tmp, `emulator-${generation}`),
    devHttpOrigins: [`http://localhost:${PORT}`],
    generation,
  });
  // Generous per-user/IP limits: every test mints as the same user from one address.
  const config = loadConfig({
    COCALC_URL: emulator.url,
    COCALC_API_KEY: emulator.apiKey,
    COCALC_EMBED_DATA_DIR: join(tmp, `server-${generation}`),
    PORT: '0',
    COCALC_EMBED_RATE_USER_PER_MIN: '100000',
    COCALC_EMBED_RATE_USER_BURST: '100000',
    COCALC_EMBED_RATE_IP_PER_MIN: '100000',
    COCALC_EMBED_RATE_IP_BURST: '100000',
  });
  // No logger: the server's default is silent.
  const server = await startServer({ config, port: 0, host: '127.0.0.1', authenticate: async () => ({ userId: 'wtr-user' }) });
  pairs[generation] = { emulator, server };
}

const cleanup = async () => {
  for (const { emulator, server } of Object.values(pairs)) {
    await server.close().catch(() => {});
    await emulator.close().catch(() => {});
  }
  rmSync(tmp, { recursive: true, force: true });
};
process.once('exit', () => rmSync(tmp, { recursive: true, force: true }));

/**
 * Forwards a token (or revoke) request to the pair's server; counts mint requests and keeps the
 * last minted token (in this Node process only) so tests can ask whether CoCalc still accepts it.
 */
const proxyCounts = { classic: 0, modern: 0 };
const lastToken = { classic: undefined, modern: undefined };
async function proxyToken(ctx, generation, suffix = '') {
  if (!suffix) proxyCounts[generation]++;
  const body = await new Promise((resolve) => {
    const chunks = [];
    ctx.req.on('data', (c) => chunks.push(c));
    ctx.req.on('end', () => resolve(Buffer.concat(chunks)));
  });
  const headers = {};
  for (const name of ['content-type', 'x-cocalc-embed', 'cookie', 'sec-fetch-site', 'origin']) {
    const value = ctx.get(name);
    if (value) headers[name] = value;
  }
  const target = new URL(`/api/cocalc/token${suffix}`, pairs[generation].server.url);
  const response = await fetch(target, { method: ctx.method, headers, body: ctx.method === 'POST' ? body : undefined });
  ctx.status = response.status;
  for (const [name, value] of response.headers) {
    if (!['content-length', 'transfer-encoding', 'connection'].includes(name)) ctx.set(name, value);
  }
  const answer = Buffer.from(await response.arrayBuffer());
  if (!suffix && response.status === 200) lastToken[generation] = JSON.parse(answer.toString()).token;
  ctx.body = answer;
}

/** Whether the pair's CoCalc still accepts the last token minted through the proxy (impersonate). */
async function lastTokenStillValid(generation) {
  const token = lastToken[generation];
  if (!token) return undefined;
  const url = new URL(`/auth/impersonate?auth_token=${token}`, pairs[generation].emulator.url);
  const text = await (await fetch(url, { redirect: 'manual' })).text();
  return !text.startsWith('ERROR');
}

export default {
  rootDir: '../..',
  files: ['src/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  port: PORT,
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 120000,
  plugins: [
    { name: 'element-fixtures-cleanup', async serverStop() { await cleanup(); } },
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: fileURLToPath(new URL('../../tsconfig.base.json', import.meta.url)) })],
  middleware: [
    fake.middleware,
    async (ctx, next) => {
      const path = ctx.path;
      if (path === '/api/cocalc/token') return proxyToken(ctx, 'classic');
      if (path === '/api-modern/cocalc/token') return proxyToken(ctx, 'modern');
      if (path === '/api/cocalc/token/revoke') return proxyToken(ctx, 'classic', '/revoke');
      if (path === '/api-modern/cocalc/token/revoke') return proxyToken(ctx, 'modern', '/revoke');
      if (path === '/__last-token-valid') {
        ctx.set('content-type', 'application/json');
        ctx.body = JSON.stringify({ valid: await lastTokenStillValid(ctx.query.pair === 'classic' ? 'classic' : 'modern') });
        return;
      }
      if (path === '/__react-bundle.js') {
        // React ships CommonJS only; esbuild turns the wrapper + React + ReactDOM into one ES module.
        const result = await build({
          entryPoints: [fileURLToPath(new URL('./test/react-entry.ts', import.meta.url))],
          bundle: true, format: 'esm', platform: 'browser', write: false, target: 'es2022',
          define: { 'process.env.NODE_ENV': '"development"' },
          tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
        });
        ctx.set('content-type', 'text/javascript');
        ctx.body = result.outputFiles[0].text;
        return;
      }
      if (path === '/__pairs') {
        ctx.set('content-type', 'application/json');
        ctx.body = JSON.stringify({
          classic: { cocalcUrl: pairs.classic.emulator.url, tokenRequests: proxyCounts.classic },
          modern: { cocalcUrl: pairs.modern.emulator.url, tokenRequests: proxyCounts.modern },
        });
        return;
      }
      if (path === '/__emulator-controls' && ctx.method === 'POST') {
        const pair = pairs[ctx.query.pair === 'modern' ? 'modern' : 'classic'];
        const body = await new Promise((resolve) => {
          let data = '';
          ctx.req.on('data', (c) => (data += c));
          ctx.req.on('end', () => resolve(data));
        });
        const response = await fetch(new URL('/__emulator/controls', pair.emulator.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        ctx.status = response.status;
        ctx.set('content-type', 'application/json');
        ctx.body = await response.text();
        return;
      }
      return next();
    },
  ],
  browsers: wtrLaunchers(),
};
