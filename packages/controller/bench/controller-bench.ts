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

const STATUS_CALLS = 300;
const LOADS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function emit(metric: string, value: number, unit: string): void {
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
const pageOrigin = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
const emulator = await startEmulator({ port: 0, dataDir, devHttpOrigins: [pageOrigin], generation: 'classic' });
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
});
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
    ([origin, signIn, url, n]) => (window as unknown as BenchWindow).bench.rtt(origin, signIn, url, n),
    [kioskOrigin, signInUrl, kioskUrl, STATUS_CALLS] as const,
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
  await browser.close();
  await emulator.close();
  page.close();
  rmSync(dataDir, { recursive: true, force: true });
}
