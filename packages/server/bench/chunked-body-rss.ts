/**
 * Memory cost of one oversized chunked request: starts the backend (`cli.ts serve`, demo auth on)
 * as its own process, POSTs a 400 MiB `Transfer-Encoding: chunked` body to `/api/demo/login`, and
 * reads the process's resident memory from `/proc` before, right after, and at its peak (VmHWM).
 * Prints JSON lines `{"metric","value","unit"}`.
 *
 *   tsx bench/chunked-body-rss.ts [other-package-dir…]
 *
 * Each extra argument is another checkout's `packages/server` (for example the commit before the
 * streaming body limit), measured in the same run as a baseline. Linux only (`/proc`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL = Number(process.env.BENCH_BODY_MIB ?? 400) * 1024 * 1024;

const metric = (name: string, value: number, unit: string) =>
  process.stdout.write(`${JSON.stringify({ metric: name, value: Math.round(value * 10) / 10, unit })}\n`);

function memory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

async function startBackend(packageDir: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: packageDir,
    env: {
      PATH: process.env.PATH ?? '',
      COCALC_URL: 'http://127.0.0.1:9',
      COCALC_API: 'v1',
      COCALC_API_KEY: 'sk-benchbenchbenchbench0123',
      COCALC_EMBED_DATA_DIR: dataDir,
      COCALC_EMBED_DEMO_AUTH: '1',
      PORT: '0',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`backend exited with ${code}`)));
  });
  return { child, url };
}

function chunkedLogin(url: string): Promise<{ status: number; sentMiB: number }> {
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  return new Promise((ok, fail) => {
    let sent = 0;
    let status = 0;
    const req = request(`${url}/api/demo/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cocalc-embed': '1', 'sec-fetch-site': 'same-origin', 'transfer-encoding': 'chunked' },
    });
    const finish = () => ok({ status, sentMiB: sent / 1024 / 1024 });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', () => {
        req.destroy();
        finish();
      });
    });
    req.on('error', (e) => (status ? finish() : fail(e)));
    const pump = () => {
      while (!status && sent < TOTAL) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!status) req.end();
    };
    pump();
  });
}

for (const dir of [HERE, ...process.argv.slice(2).map((d) => resolve(d))]) {
  const label = dir === HERE ? 'this' : basename(resolve(dir, '..', '..'));
  const dataDir = mkdtempSync(join(tmpdir(), 'cocalc-embed-rss-'));
  const { child, url } = await startBackend(dir, dataDir);
  try {
    const before = memory(child.pid!);
    const answer = await chunkedLogin(url);
    await new Promise((r) => setTimeout(r, 500));
    const afterwards = memory(child.pid!);
    metric(`chunked_400mib_${label}_status`, answer.status, 'http');
    metric(`chunked_400mib_${label}_sent_before_answer`, answer.sentMiB, 'MiB');
    metric(`chunked_400mib_${label}_rss_before`, before.rssMiB, 'MiB');
    metric(`chunked_400mib_${label}_rss_after`, afterwards.rssMiB, 'MiB');
    metric(`chunked_400mib_${label}_rss_peak`, afterwards.peakMiB, 'MiB');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
