// Browser tests of the controller. At load this config starts, in-process:
// - the emulator (`startEmulator`, port 0) on http://localhost:<port>: the real kiosk page on a
//   second origin (the tests run on http://localhost:8001), seeded with an account, a project and
//   two files;
// - a tiny static server on 127.0.0.1:<port> serving a scripted fake kiosk (a test double for
//   fine-grained reply sequences) and an attacker page; a second one on another port is a
//   foreign origin.
// The browser gets the URLs and fresh tokens from GET /__fixture, and flips emulator controls
// with POST /__emulator-controls.
import { wtrLaunchers } from '../../scripts/wtr-launchers.mjs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { register } from 'tsx/esm/api';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PORT = 8001;
const fixturesDir = fileURLToPath(new URL('./test-fixtures/', import.meta.url));

/** A 1×1 transparent GIF. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Serves the files of test-fixtures/ (and a slow image, /__slow?ms=) on 127.0.0.1, port 0. */
async function startStaticServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/__slow') {
      // A tiny image that arrives after ?ms= (at most 5 s): it holds a page's load event back.
      const ms = Math.min(Number(url.searchParams.get('ms')) || 0, 5_000);
      setTimeout(() => res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' }).end(GIF), ms);
      return;
    }
    const name = url.pathname.replace(/^\/+/, '');
    if (!/^[a-z0-9-]+\.html$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(join(fixturesDir, name));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port };
}

const fake = await startStaticServer();
const foreign = await startStaticServer();

// The emulator is TypeScript; let Node load it.
register();
const dataDir = mkdtempSync(join(tmpdir(), 'controller-wtr-'));
const { startEmulator } = await import('@cocalc-embed/emulator');
const emulator = await startEmulator({ port: 0, dataDir, devHttpOrigins: [`http://localhost:${PORT}`], generation: 'classic' });
const { accountId } = await emulator.admin.createAccount({ email: 'controller-test@example.test', firstName: 'Con', lastName: 'Troller' });
const { projectId } = await emulator.admin.createProject({ ownerAccountId: accountId, title: 'controller tests' });
const files = ['notes.md', 'work/analysis.ipynb', 'third.md'];
await emulator.admin.writeFile(projectId, files[0], '# Notes\n\nHello from the controller tests.\n');
await emulator.admin.writeFile(projectId, files[1], JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
await emulator.admin.writeFile(projectId, files[2], '# Third\n');
await emulator.admin.startProject(projectId);
const emulatorOrigin = new URL(emulator.url).origin;
if (emulatorOrigin === `http://localhost:${PORT}`) throw new Error('the emulator must be on another origin than the tests');

const cleanup = async () => {
  await emulator.close().catch(() => {});
  fake.server.close();
  foreign.server.close();
  rmSync(dataDir, { recursive: true, force: true });
};
process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));

/** Test-only routes: fixtures and emulator controls. */
const fixturePlugin = {
  name: 'controller-fixtures',
  async serve(context) {
    if (context.path === '/__fixture') {
      const token = await emulator.admin.mintAuthToken(accountId, { ttlSeconds: 600 });
      return {
        type: 'json',
        body: JSON.stringify({
          fakeOrigin: `http://127.0.0.1:${fake.port}`,
          fakeUrl: `http://127.0.0.1:${fake.port}/fake-kiosk.html`,
          attackerUrl: `http://127.0.0.1:${foreign.port}/attacker.html`,
          foreignOrigin: `http://127.0.0.1:${foreign.port}`,
          // Same server as the fake kiosk, other host name: a different origin.
          fakeAltUrl: `http://localhost:${fake.port}/fake-kiosk.html`,
          emulator: { url: emulator.url, origin: emulatorOrigin, projectId, accountId, files, token },
        }),
      };
    }
    if (context.path === '/__emulator-controls' && context.method === 'POST') {
      const body = await readBody(context.req);
      const values = body === 'reset' ? emulator.controls.reset() : emulator.controls.set(JSON.parse(body));
      return { type: 'json', body: JSON.stringify(values) };
    }
    return undefined;
  },
};

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export default {
  files: 'src/**/*.test.ts',
  port: PORT,
  nodeResolve: true,
  concurrency: 1,
  plugins: [
    fixturePlugin,
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: fileURLToPath(new URL('../../tsconfig.base.json', import.meta.url)) }),
    { name: 'controller-cleanup', serverStop: cleanup },
  ],
  browsers: wtrLaunchers(),
  testsFinishTimeout: 300_000,
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  testFramework: { config: { timeout: 20000 } },
};
