// Browser conformance tests for the emulator's kiosk app (src/kiosk-app/*.test.ts).
//
// The test page is served by WTR on http://localhost:8003. At config load this file starts four
// emulators in-process (port 0 each), all with iframe_comm_hosts 'learn.example.test':
//   - `dev`:       localhost, devHttpOrigins = ['http://localhost:8003'] — a different origin but the
//                  same *site* as the test page, so the `url` era's remember_me cookie is first-party;
//   - `crosssite`: 127.0.0.1, same options — a different site: what happens to the
//                  `SameSite=None; Secure` cookie there differs per engine (kiosk-sign-in.test.ts);
//   - `strict`:    127.0.0.1, CoCalc's origin rules exactly (no devHttpOrigins): this http page
//                  gets no reply;
//   - `modern`:    localhost, generation 'modern' (`impersonate` era: `?auth_token=` is not read).
// A small middleware serves fixtures to the tests under /__fixture/<name>: the emulator URL,
// seeded project ids, and fresh auth tokens minted through `admin` (never hard-coded); a
// `kiosk-frame` server command (wtr-kiosk-frame.mjs) gives tests driver-side access to the
// cross-origin kiosk frame in every engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { wtrLaunchers } from '../../scripts/wtr-launchers.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { register } from 'tsx/esm/api';
import { kioskFramePlugin } from './wtr-kiosk-frame.mjs';

// The emulator is TypeScript source with no build step; tsx lets this Node process import it.
register();
const { startEmulator } = await import('./src/index.ts');

const WTR_PORT = 8003;
const PAGE_ORIGIN = `http://localhost:${WTR_PORT}`;
const dataRoot = mkdtempSync(join(tmpdir(), 'kiosk-app-wtr-'));

const NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: 'markdown', metadata: {}, source: ['# Intro notebook\n', '\n', 'Some **bold** text and [a link](other.ipynb).\n', '\n', '<img src=x onerror="window.__pwned=1">\n'] },
    {
      cell_type: 'code',
      execution_count: 1,
      metadata: {},
      source: ['print("hello")\n', '1 + 1'],
      outputs: [
        { output_type: 'stream', name: 'stdout', text: ['hello\n'] },
        { output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/plain': ['2'], 'text/html': ['<b onclick="x()">2</b>'] } },
      ],
    },
  ],
});

async function seed(emulator) {
  const { admin } = emulator;
  const alice = await admin.createAccount({ email: 'alice@example.test', firstName: 'Alice', lastName: 'Kiosk' });
  const bob = await admin.createAccount({ email: 'bob@example.test', firstName: 'Bob', lastName: 'Other' });
  const running = await admin.createProject({ ownerAccountId: alice.accountId, title: 'Running' });
  const stopped = await admin.createProject({ ownerAccountId: alice.accountId, title: 'Stopped' });
  const bobs = await admin.createProject({ ownerAccountId: bob.accountId, title: "Bob's" });
  await admin.writeFile(running.projectId, 'intro.ipynb', NOTEBOOK);
  await admin.writeFile(running.projectId, 'notes/readme.md', '# Readme\n\nPlain *markdown* here.\n');
  await admin.writeFile(running.projectId, 'plain.txt', 'just <b>text</b>\n');
  await admin.writeFile(running.projectId, 'broken.ipynb', '{ not json');
  await admin.writeFile(stopped.projectId, 'later.ipynb', NOTEBOOK);
  await admin.writeFile(bobs.projectId, 'secret.md', 'secret');
  await admin.startProject(running.projectId);
  await admin.stopProject(stopped.projectId);
  return {
    accounts: { alice: alice.accountId, bob: bob.accountId },
    projects: { running: running.projectId, stopped: stopped.projectId, bobs: bobs.projectId },
  };
}

async function startSeeded(name, options) {
  const emulator = await startEmulator({
    port: 0,
    dataDir: join(dataRoot, name),
    iframeCommHosts: 'learn.example.test',
    siteName: `Emulated CoCalc (${name})`,
    ...options,
  });
  return { emulator, seeded: { ...(await seed(emulator)), signInCookie: await signInCookie(emulator) } };
}

/**
 * The attributes the emulator gives `url` era's sign-in cookie (its /cookies route), read here because
 * a page cannot see Set-Cookie: whether an engine keeps that cookie in a cross-site frame depends
 * on them (kiosk-sign-in.test.ts).
 */
async function signInCookie(emulator) {
  const header = (await fetch(new URL('/cookies?set=probe&value=1', emulator.url))).headers.get('set-cookie') ?? '';
  const attributes = header.toLowerCase().split(/;\s*/).slice(1);
  const sameSite = attributes.find((a) => a.startsWith('samesite='))?.slice('samesite='.length) ?? 'lax';
  return { sameSite, secure: attributes.includes('secure') };
}

const emulators = {
  dev: await startSeeded('dev', { host: 'localhost', devHttpOrigins: [PAGE_ORIGIN], generation: 'classic' }),
  crosssite: await startSeeded('crosssite', { host: '127.0.0.1', devHttpOrigins: [PAGE_ORIGIN], generation: 'classic' }),
  strict: await startSeeded('strict', { host: '127.0.0.1', generation: 'classic' }),
  modern: await startSeeded('modern', { host: 'localhost', devHttpOrigins: [PAGE_ORIGIN], generation: 'modern' }),
};

/** Serves `/__fixture/<emulator>` (URLs and ids) and `/__fixture/<emulator>/token?account=<name>`. */
function fixturePlugin() {
  return {
    name: 'kiosk-fixtures',
    async serverStop() {
      await Promise.all(Object.values(emulators).map(({ emulator }) => emulator.close()));
      rmSync(dataRoot, { recursive: true, force: true });
    },
    async serve(context) {
      const match = /^\/__fixture\/(dev|crosssite|strict|modern)(\/token|\/reset)?$/.exec(context.path);
      if (!match) return undefined;
      const { emulator, seeded } = emulators[match[1]];
      if (match[2] === '/token') {
        const account = seeded.accounts[context.query.account] ?? seeded.accounts.alice;
        const token = await emulator.admin.mintAuthToken(account, {});
        return { body: JSON.stringify({ token }), type: 'application/json' };
      }
      if (match[2] === '/reset') {
        emulator.controls.reset();
        return { body: '{}', type: 'application/json' };
      }
      return {
        body: JSON.stringify({ url: emulator.url.replace(/\/$/, ''), pageOrigin: PAGE_ORIGIN, ...seeded }),
        type: 'application/json',
      };
    },
  };
}

export default {
  files: ['src/kiosk-app/**/*.test.ts'],
  nodeResolve: true,
  port: WTR_PORT,
  hostname: 'localhost',
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 180000,
  plugins: [fixturePlugin(), kioskFramePlugin(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: '../../tsconfig.base.json' })],
  browsers: wtrLaunchers(),
};
