// Benchmarks of @cocalc-embed/element, printed as JSON lines {"metric","value","unit"}:
// - element.bundle.gzip_bytes: element + controller + protocol (src/index.ts), minified, gzipped,
//   WITHOUT lit (goal ≤ 8192), plus what the minified bytes are made of (element.bundle.share.*);
// - element.bundle_with_lit.gzip_bytes: the same with lit bundled;
// - element.controls.gzip_bytes: the data-cocalc-* controls entry alone, without lit;
// - element.time_to_ready.median_ms and its parts (token_ms, frame_load_ms, handshake_ms): from
//   inserting <cocalc-notebook> to cocalc-ready, warm backend, Playwright + /usr/bin/chromium,
//   in-process emulator (classic) + token server + a tiny page server.
// Run: pnpm --filter @cocalc-embed/element bench   (RUNS=n to change the sample count, default 9)
import { build, type Metafile } from 'esbuild';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../scripts/browsers.mjs';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { options } from '../scripts/build-bundle.js';
import { startEmulator } from '@cocalc-embed/emulator';
import { loadConfig, startServer } from '@cocalc-embed/server';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 9);

function emit(metric: string, value: number, unit: string): void {
  console.log(JSON.stringify({ metric, value: Math.round(value * 10) / 10, unit }));
}

async function bundle(entry: string, withLit: boolean): Promise<{ code: Uint8Array; metafile: Metafile }> {
  // The shipped build's options, in memory and with a metafile for the per-package shares.
  const result = await build({ ...options(withLit, 'out.js', entry), write: false, metafile: true, logLevel: 'error' });
  return { code: result.outputFiles[0]!.contents, metafile: result.metafile! };
}

/** Minified bytes per source group, to say what dominates the bundle. */
function shares(metafile: Metafile): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      // Inputs are relative to the cwd: src/… (element), ../controller/src/…, ../protocol/src/….
      const group = /(^|\/)protocol\/src\//.test(input)
        ? 'protocol'
        : /(^|\/)controller\/src\//.test(input)
          ? 'controller'
          : /node_modules/.test(input)
            ? 'dependencies'
            : 'element';
      totals[group] = (totals[group] ?? 0) + bytesInOutput;
    }
  }
  return totals;
}

async function sizes(): Promise<void> {
  const entry = `${root}src/index.ts`;
  const noLit = await bundle(entry, false);
  emit('element.bundle.gzip_bytes', gzipSync(noLit.code, { level: 9 }).length, 'bytes');
  emit('element.bundle.min_bytes', noLit.code.length, 'bytes');
  for (const [group, bytes] of Object.entries(shares(noLit.metafile))) emit(`element.bundle.share.${group}_min_bytes`, bytes, 'bytes');
  const withLit = await bundle(entry, true);
  emit('element.bundle_with_lit.gzip_bytes', gzipSync(withLit.code, { level: 9 }).length, 'bytes');
  const controls = await bundle(`${root}src/controls/index.ts`, false);
  emit('element.controls.gzip_bytes', gzipSync(controls.code, { level: 9 }).length, 'bytes');
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function timeToReady(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'element-bench-'));
  const script = (await bundle(`${root}scripts/bundle-entry.ts`, true)).code;
  let serverUrl = '';
  const page = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/cocalc-notebook.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(script);
    } else if (url.pathname === '/api/cocalc/token') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const headers: Record<string, string> = {};
          for (const name of ['content-type', 'x-cocalc-embed', 'cookie', 'sec-fetch-site', 'origin']) {
            const value = req.headers[name];
            if (typeof value === 'string') headers[name] = value;
          }
          const upstream = await fetch(`${serverUrl}/api/cocalc/token`, { method: req.method, headers, body: Buffer.concat(chunks) });
          res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await upstream.arrayBuffer()));
        })();
      });
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/cocalc-notebook.js"></script><main id="host"></main>',
      );
    }
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  const pageOrigin = `http://localhost:${(page.address() as AddressInfo).port}`;
  const emulator = await startEmulator({ port: 0, dataDir: join(tmp, 'emulator'), devHttpOrigins: [pageOrigin], generation: 'classic' });
  const config = loadConfig({
    COCALC_URL: emulator.url,
    COCALC_API_KEY: emulator.apiKey,
    COCALC_EMBED_DATA_DIR: join(tmp, 'server'),
    PORT: '0',
    COCALC_EMBED_RATE_USER_PER_MIN: '100000',
    COCALC_EMBED_RATE_USER_BURST: '100000',
    COCALC_EMBED_RATE_IP_PER_MIN: '100000',
    COCALC_EMBED_RATE_IP_BURST: '100000',
  });
  const server = await startServer({ config, port: 0, host: '127.0.0.1', authenticate: async () => ({ userId: 'bench-user' }) });
  serverUrl = server.url;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const context = await browser.newContext();
    const samples: Array<{ total: number; token: number; frame: number; handshake: number }> = [];
    for (let run = 0; run <= RUNS; run++) {
      const tab = await context.newPage();
      await tab.goto(`${pageOrigin}/`);
      await tab.waitForFunction(() => customElements.get('cocalc-notebook') !== undefined);
      const sample = await tab.evaluate(
        () =>
          new Promise<{ total: number; token: number; frame: number; handshake: number }>((resolve, reject) => {
            const marks: Record<string, number> = {};
            const el = document.createElement('cocalc-notebook');
            el.setAttribute('path', 'intro.ipynb');
            el.addEventListener('cocalc-state-change', (e) => {
              marks[(e as Event & { state: string }).state] ??= performance.now();
            });
            el.addEventListener('cocalc-error', (e) => reject(new Error((e as Event & { error: Error }).error.message)));
            el.addEventListener('cocalc-ready', () => {
              const end = performance.now();
              resolve({
                total: end - start,
                token: marks.loading! - start,
                frame: marks.connecting! - marks.loading!,
                handshake: end - marks.connecting!,
              });
            });
            const start = performance.now();
            document.getElementById('host')!.append(el);
          }),
      );
      await tab.close();
      if (run > 0) samples.push(sample); // run 0 warms the backend (provisioning, first mint)
    }
    emit('element.time_to_ready.median_ms', median(samples.map((s) => s.total)), 'ms');
    emit('element.time_to_ready.token_ms', median(samples.map((s) => s.token)), 'ms');
    emit('element.time_to_ready.frame_load_ms', median(samples.map((s) => s.frame)), 'ms');
    emit('element.time_to_ready.handshake_ms', median(samples.map((s) => s.handshake)), 'ms');
    emit('element.time_to_ready.runs', samples.length, 'count');
  } finally {
    await browser.close();
    await server.close();
    await emulator.close();
    await new Promise<void>((resolve) => page.close(() => resolve()));
    rmSync(tmp, { recursive: true, force: true });
  }
}

await sizes();
await timeToReady();
