// Benchmark of the controller against the emulator's real kiosk page.
// Starts the emulator in-process (port 0), a static host page on another origin (127.0.0.1, port 0)
// whose script (bench-page.ts, bundled with esbuild) drives the kiosk, and headless Chromium via
// Playwright. Prints JSON lines {"metric", "value", "unit"}. First the size of controller + protocol
// (src/index.ts bundled, minified, gzipped; goal ≤ 4096 bytes), measured in the same run.
import { build } from 'esbuild';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../scripts/browsers.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { startEmulator } from '@cocalc-embed/emulator';
import type { BenchWindow } from './bench-page.js';

/** Status round trips: ROUNDS rounds of PER_ROUND calls each, controller and bare interleaved. */
const ROUNDS = 30;
const PER_ROUND = 20;
const LOADS = 15;
/** The whole browser part; it takes well under a minute when the kiosk answers. */
const RUN_DEADLINE_MS = 240_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Prints one figure; a figure that is not a finite number is a broken run, not a result. */
function emit(metric: string, value: number, unit: string): void {
  if (!Number.isFinite(value)) throw new Error(`controller bench: ${metric} is ${value}`);
  console.log(JSON.stringify({ metric, value: Math.round(value * 1000) / 1000, unit }));
}

// What a page pays for the controller: its public entry with protocol, as the element's bundle builds it.
const sized = await build({
  entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  write: false,
  logLevel: 'error',
});
const sizedCode = sized.outputFiles[0]!.contents;
emit('controller.bundle.gzip_bytes', gzipSync(sizedCode, { level: 9 }).length, 'bytes');
emit('controller.bundle.min_bytes', sizedCode.length, 'bytes');

const dataDir = mkdtempSync(join(tmpdir(), 'controller-bench-'));
const bundle = await build({
  entryPoints: [fileURLToPath(new URL('./bench-page.ts', import.meta.url))],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  write: false,
});
const script = bundle.outputFiles[0]!.text;
const page = createServer((req, res) => {
  if (req.url === '/bench.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
  else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script type="module" src="/bench.js"></script>');
});
await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
// The page must be same-site with the kiosk (http://localhost:<port>): the `url`-era sign-in
// cookie is SameSite=Lax over http, and every engine refuses it in a cross-site frame, so a page
// on 127.0.0.1 leaves the kiosk signed out for good. Another port is still another origin.
const pageOrigin = `http://localhost:${(page.address() as { port: number }).port}`;
const emulator = await startEmulator({ port: 0, dataDir, devHttpOrigins: [pageOrigin], generation: 'classic' });
if (new URL(emulator.url).origin === pageOrigin) throw new Error('the bench page must be on another origin than the kiosk');
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
// Every step in the page has its own deadline; this one catches whatever is left (a page that
// never answers `evaluate`), so a broken run fails loudly instead of hanging.
const watchdog = setTimeout(() => {
  console.error(`controller bench: no result within ${RUN_DEADLINE_MS} ms; giving up`);
  process.exit(1);
}, RUN_DEADLINE_MS);
watchdog.unref();
try {
  const { accountId } = await emulator.admin.createAccount({ email: 'bench@example.test' });
  const { projectId } = await emulator.admin.createProject({ ownerAccountId: accountId, title: 'bench' });
  await emulator.admin.writeFile(projectId, 'bench.md', '# bench\n');
  const token = await emulator.admin.mintAuthToken(accountId, { ttlSeconds: 600 });
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${pageOrigin}/`);
  await tab.waitForFunction(() => 'bench' in window);
  const kioskOrigin = new URL(emulator.url).origin;
  const signInUrl = `${emulator.url}/projects/${projectId}/files/bench.md?auth_token=${token}&session=&fullscreen=kiosk`;
  const kioskUrl = `${emulator.url}/projects/${projectId}/files/bench.md?session=&fullscreen=kiosk`;

  // Round trips: controller vs bare postMessage, interleaved in rounds to share machine noise.
  const rtt = (await tab.evaluate(
    ([origin, signIn, url, rounds, perRound]) => (window as unknown as BenchWindow).bench.rtt(origin, signIn, url, rounds, perRound),
    [kioskOrigin, signInUrl, kioskUrl, ROUNDS, PER_ROUND] as const,
  )) as { controller: number[]; raw: number[] };
  const controllerMedian = median(rtt.controller);
  const rawMedian = median(rtt.raw);
  emit('controller.status_rtt.median_ms', controllerMedian, 'ms');
  emit('raw.status_rtt.median_ms', rawMedian, 'ms');
  emit('controller.status_rtt.ratio', controllerMedian / rawMedian, 'ratio');

  // Ready after the kiosk's listener is live, over several fresh iframe loads.
  const gaps: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const readyAt = (await tab.evaluate(
      ([origin, url]) => (window as unknown as BenchWindow).bench.load(origin, url),
      [kioskOrigin, kioskUrl] as const,
    )) as number;
    const frame = tab.frames().find((f) => f.url().startsWith(emulator.url) && f !== tab.mainFrame());
    if (!frame) throw new Error('kiosk frame not found');
    const liveAt = await frame.evaluate(() => (window as unknown as { __cocalcEmulator?: { listenerLiveAt: number } }).__cocalcEmulator?.listenerLiveAt ?? NaN);
    gaps.push(readyAt - liveAt);
  }
  emit('controller.ready_after_listener.median_ms', median(gaps), 'ms');
  emit('controller.ready_after_listener.max_ms', Math.max(...gaps), 'ms');
} finally {
  clearTimeout(watchdog);
  await browser.close();
  await emulator.close();
  page.close();
  rmSync(dataDir, { recursive: true, force: true });
}
