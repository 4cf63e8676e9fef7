// The consumer test: the packed tarballs installed with npm into throw-away projects outside the
// workspace (a temp folder, the shared npm cache, nothing but the registry), then used the way a
// site would use them, against the emulator started from this workspace:
//   a. a plain Node ESM Express app mounts the token app and answers token requests;
//   b. a Vite + TypeScript app types <cocalc-notebook> (tsc --noEmit) and reaches `ready` in Chromium;
//   c. a React app reaches `ready` through the wrapper;
//   d. a plain HTML page loads the CDN build with one <script type="module"> and reaches `ready`;
//   e. `npx cocalc-embed serve` starts on plain node and answers /healthz.
// Needs `tsx packaging/pack.ts` first (`pnpm test:packaging` runs it). Prints tarball sizes and
// install times. KEEP_CONSUMERS=1 keeps the temp folder.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/browsers.mjs';
import { freePort } from '../../scripts/browsers.mjs';
import { npmInstall, prepareProject, run, start, type Running } from '../consumer-projects.js';
import { publicPackages, REPO_DIR, TARBALL_DIR } from '../public-packages.js';
import { execFileSync } from 'node:child_process';

const PROJECTS = ['node-server', 'vite-ts', 'vite-react'] as const;
const API_KEY = `sk-${randomBytes(18).toString('hex')}`;

describe('consumers of the published packages', () => {
  let root = '';
  let emulator: Running | undefined;
  let site: Running | undefined;
  let browser: Browser | undefined;
  let siteUrl = '';
  let emulatorUrl = '';
  const dirs: Record<string, string> = {};
  const figures: Record<string, unknown> = {};

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'cocalc-embed-consumers-'));
    figures.tarballKiB = Object.fromEntries(publicPackages().map((p) => [p.manifest.name, +(statSync(join(TARBALL_DIR, p.tarball)).size / 1024).toFixed(1)]));
    // Installs run side by side (one compiles better-sqlite3, the others mostly wait on I/O).
    const installMs: Record<string, number> = {};
    await Promise.all(
      PROJECTS.map(async (name) => {
        dirs[name] = prepareProject(name, root);
        installMs[name] = await npmInstall(dirs[name]!);
      }),
    );
    figures.npmInstallMs = installMs;

    // d: what a CDN serves is the tarball's dist/cocalc-notebook.js, next to a plain page.
    dirs['cdn-html'] = join(root, 'cdn-html');
    cpSync(join(REPO_DIR, 'packaging', 'consumers', 'cdn-html'), dirs['cdn-html'], { recursive: true });
    const element = publicPackages().find((p) => p.dir === 'element')!;
    execFileSync('tar', ['xzf', join(TARBALL_DIR, element.tarball), '-C', root, 'package/dist/cocalc-notebook.js']);
    cpSync(join(root, 'package', 'dist', 'cocalc-notebook.js'), join(dirs['cdn-html'], 'cocalc-notebook.js'));

    const [emulatorPort, sitePort] = [await freePort(), await freePort()];
    emulatorUrl = `http://localhost:${emulatorPort}`;
    siteUrl = `http://localhost:${sitePort}`;
    emulator = start(join(REPO_DIR, 'packages', 'emulator'), process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      EMULATOR_PORT: String(emulatorPort),
      EMULATOR_DATA_DIR: join(root, 'emulator-data'),
      EMULATOR_DEV_HTTP_ORIGINS: siteUrl,
      COCALC_API_KEY: API_KEY,
    });
    await emulator.waitFor(/listening on/);

    site = start(dirs['node-server']!, process.execPath, ['server.mjs'], {
      SITE_PORT: String(sitePort),
      COCALC_URL: emulatorUrl,
      COCALC_API_KEY: API_KEY,
      COCALC_EMBED_DATA_DIR: join(root, 'site-data'),
      SITE_STATIC: JSON.stringify({ '/vite-ts': join(dirs['vite-ts']!, 'dist'), '/vite-react': join(dirs['vite-react']!, 'dist'), '/cdn': dirs['cdn-html'] }),
    });
    await site.waitFor(/site listening on/);
  });

  after(async () => {
    await browser?.close();
    await site?.stop();
    await emulator?.stop();
    console.log(`consumer figures: ${JSON.stringify(figures)}`);
    mkdirSync(join(REPO_DIR, 'node_modules', '.cache'), { recursive: true });
    writeFileSync(join(REPO_DIR, 'node_modules', '.cache', 'cocalc-embed-consumer-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    if (!process.env.KEEP_CONSUMERS) rmSync(root, { recursive: true, force: true });
    else console.log(`consumer projects kept in ${root}`);
  });

  const tokenRequest = (user: string | undefined, headers: Record<string, string> = { 'x-cocalc-embed': '1' }) =>
    fetch(`${siteUrl}/api/cocalc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers, ...(user ? { cookie: `site_user=${user}` } : {}) },
      body: JSON.stringify({ path: 'intro.ipynb' }),
    });

  describe('a. a plain Node ESM Express app with the token app mounted', () => {
    it('runs without TypeScript or tsx installed', () => {
      for (const tool of ['typescript', 'tsx']) assert.equal(existsSync(join(dirs['node-server']!, 'node_modules', tool)), false, tool);
      assert.ok(existsSync(join(dirs['node-server']!, 'node_modules', '@cocalc-embed', 'server', 'dist', 'index.js')));
    });

    it('answers a signed-in token request with a token for the emulated CoCalc', async () => {
      const response = await tokenRequest('ada');
      assert.equal(response.status, 200, await response.clone().text());
      const body = (await response.json()) as { token: string; cocalcUrl: string; projectId: string; path: string; signIn: string };
      assert.match(body.token, /^[A-Za-z0-9]{24}$/);
      assert.equal(body.cocalcUrl, emulatorUrl);
      assert.equal(body.path, 'intro.ipynb');
      assert.match(body.projectId, /^[0-9a-f-]{36}$/);
    });

    it('refuses a request without the site user (401) and one without the x-cocalc-embed header (403)', async () => {
      const anonymous = await tokenRequest(undefined);
      assert.equal(anonymous.status, 401);
      assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
      const noHeader = await tokenRequest('ada', {});
      assert.equal(noHeader.status, 403);
      assert.equal(((await noHeader.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
    });
  });

  describe('e. the cocalc-embed command', () => {
    it('`npx cocalc-embed serve` answers /healthz and keeps its data in ./data of the working directory', async () => {
      const dir = dirs['node-server']!;
      const serve = start(dir, 'npx', ['--no-install', 'cocalc-embed', 'serve'], { PORT: '0', COCALC_URL: emulatorUrl, COCALC_API_KEY: API_KEY, COCALC_EMBED_DATA_DIR: '' });
      try {
        const [, url] = await serve.waitFor(/listening on (http:\/\/\S+)/);
        const health = await fetch(`${url}/healthz`);
        assert.equal(health.status, 200);
        assert.deepEqual(await health.json(), { status: 'ok' });
        assert.ok(existsSync(join(dir, 'data', 'cocalc-embed.sqlite')), 'SQLite file in ./data');
        assert.ok(!existsSync(join(dir, 'node_modules', 'data')), 'nothing written inside node_modules');
      } finally {
        await serve.stop();
      }
      assert.ok(!serve.output().includes(API_KEY), 'the API key is never printed');
    });

    it('the installed command, as a service manager runs it, drains and exits 0 on SIGTERM', async () => {
      const dir = dirs['node-server']!;
      const serve = start(dir, join(dir, 'node_modules', '.bin', 'cocalc-embed'), ['serve'], { PORT: '0', COCALC_URL: emulatorUrl, COCALC_API_KEY: API_KEY, COCALC_EMBED_DATA_DIR: join(root, 'bin-data') });
      const [, url] = await serve.waitFor(/listening on (http:\/\/\S+)/);
      // The SIGTERM handler is installed right after that line is written; one request later it is.
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      assert.equal(await serve.stop(), 0, serve.output());
      assert.match(serve.output(), /"msg":"stopped","drained":true/);
    });

    it('`npx cocalc-embed` without a command prints the usage and exits 2; a malformed key exits 78', async () => {
      const dir = dirs['node-server']!;
      await assert.rejects(run(dir, 'npx', ['--no-install', 'cocalc-embed']), /usage: cocalc-embed serve/);
      const bad = start(dir, 'npx', ['--no-install', 'cocalc-embed', 'serve'], { COCALC_API_KEY: 'sk-short', PORT: '0' });
      assert.equal(await bad.exit(), 78, bad.output());
      assert.ok(!bad.output().includes('sk-short'), 'the bad key is not echoed');
    });
  });

  describe('browser consumers (Chromium)', () => {
    before(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    });

    /** Opens `path` as site user `user` and waits until `ready` shows by `readyCheck`. */
    const openAsUser = async (user: string, path: string, readyCheck: string) => {
      const context = await browser!.newContext();
      await context.addCookies([{ name: 'site_user', value: user, url: siteUrl }]);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.goto(`${siteUrl}${path}`);
        await page.waitForFunction(readyCheck, undefined, { timeout: 60_000 }).catch(async (error: Error) => {
          throw new Error(`${path} never became ready: ${error.message}\nbody: ${await page.evaluate(() => JSON.stringify(document.body.dataset))}\npage errors: ${errors.join('\n')}`);
        });
        return await page.evaluate(() => ({ ...document.body.dataset }));
      } finally {
        await context.close();
      }
    };

    it('b. Vite + TypeScript: tsc --noEmit passes with the tag name and event maps, and the built page reaches ready', async () => {
      await run(dirs['vite-ts']!, 'npx', ['--no-install', 'tsc', '--noEmit']);
      await run(dirs['vite-ts']!, 'npx', ['--no-install', 'vite', 'build', '--base=/vite-ts/', '--logLevel=warn']);
      const data = await openAsUser('bea', '/vite-ts/', `document.body.dataset.ready === 'yes' && document.body.dataset.controllerState === 'ready'`);
      assert.equal(data.state, 'ready');
      assert.match(data.projectId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(data.error, undefined);
    });

    it('b. the typing is not `any`: removing an @ts-expect-error line makes tsc fail', async () => {
      const file = join(dirs['vite-ts']!, 'src', 'main.ts');
      const source = readFileSync(file, 'utf8');
      try {
        writeFileSync(file, source.replace('// @ts-expect-error `path` is a string', '// (expectation removed)'));
        await assert.rejects(run(dirs['vite-ts']!, 'npx', ['--no-install', 'tsc', '--noEmit']), /TS2322/);
      } finally {
        writeFileSync(file, source);
      }
    });

    it('c. React: the wrapper reaches ready and reports it through onCocalcReady', async () => {
      await run(dirs['vite-react']!, 'npx', ['--no-install', 'tsc', '--noEmit']);
      await run(dirs['vite-react']!, 'npx', ['--no-install', 'vite', 'build', '--base=/vite-react/', '--logLevel=warn']);
      await openAsUser('cy', '/vite-react/', `document.querySelector('#state')?.dataset.state === 'ready' && /^[0-9a-f-]{36}$/.test(document.querySelector('#state')?.dataset.projectId ?? '')`);
    });

    it('d. a plain HTML page with one <script type="module"> of the CDN build reaches ready', async () => {
      const html = readFileSync(join(dirs['cdn-html']!, 'index.html'), 'utf8');
      assert.equal(html.match(/<script\b/g)?.length, 1);
      await openAsUser('dee', '/cdn/', `document.querySelector('cocalc-notebook')?.state === 'ready'`);
    });
  });
});
