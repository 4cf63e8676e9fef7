/**
 * Token-endpoint benchmark (docs/threat-model.md#goal-throughput), printing JSON lines
 * `{"metric","value","unit"}`.
 *
 * Upstream: the minimal fake CoCalc (`src/test-support/fake-cocalc.ts`, API v1), not the emulator,
 * so that CoCalc's own cost is a fixed 100 ms timer and not emulator CPU competing with the
 * backend on this 2-core machine. It runs in a process of its own (`fake-upstream-process.ts`), and
 * so does the backend (`cli.ts serve`, exactly as deployed); autocannon drives the backend from
 * this process, whose event loop then does nothing else.
 *
 * Phases (≈10 s each): pre-provision N users (upstream latency 0: first visits per second), then
 *  1. mint at 100 ms upstream latency, 50 connections, users round-robin ⇒ mints/s, added p99, errors;
 *  2. mint at 0 ms upstream latency ⇒ full-endpoint throughput;
 *  3. a bare node:http handler making the same upstream call at 0 ms ⇒ overhead ratio;
 *  4. the same against TWO instances on one throw-away PostgreSQL (`server.pg.*`), same upstream:
 *     N first visits alternated between them (⇒ provisions/s), then phase 1 with 25 connections
 *     to each (⇒ mints/s of the pair).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import { startThrowawayPostgres } from '../src/test-support/throwaway-postgres.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const LATENCY_MS = 100;

const metric = (name: string, value: number, unit: string) =>
  process.stdout.write(`${JSON.stringify({ metric: name, value: Math.round(value * 100) / 100, unit })}\n`);

function spawnAndReadUrl(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: resolve(HERE, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveUrl, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(buffer);
      if (match) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        // Keep draining so a chatty child never blocks on a full pipe.
        child.stdout!.resume();
        child.stderr!.resume();
        resolveUrl({ child, url: match[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${buffer.slice(0, 500)}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    child.removeAllListeners('exit');
    child.once('exit', () => r());
    child.kill('SIGTERM');
  });
}

/** Starts the fake CoCalc in its own process; `ask` sends it a control message and awaits its answer. */
async function startFakeUpstream(): Promise<{ child: ChildProcess; url: string; apiKey: string; ask(message: object): Promise<unknown> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-upstream-process.ts'], {
    cwd: resolve(HERE, '..'),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const first = await new Promise<string>((resolveLine, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes('\n')) resolveLine(buffer.slice(0, buffer.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`fake upstream exited with ${code}`)));
  });
  const { url, apiKey } = JSON.parse(first) as { url: string; apiKey: string };
  const ask = (message: object) =>
    new Promise<unknown>((resolveAnswer) => {
      child.once('message', resolveAnswer);
      child.send(message);
    });
  return { child, url, apiKey, ask };
}

async function run(url: string, cookies: string[] | null, duration: number, connections = CONNECTIONS): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/api/cocalc/token',
        headers: { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1', 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ path: 'intro.ipynb' }),
        setupRequest: (req) => (cookies ? { ...req, headers: { ...req.headers, cookie: cookies[i++ % cookies.length]! } } : req),
      },
    ],
  });
}

/**
 * Signs every user in and asks for their first token (provisioning), 25 at a time, on `urls` by
 * turns; a 202 (still provisioning) is asked again, as the element does. Returns the cookies.
 */
async function provisionAll(urls: readonly string[]): Promise<string[]> {
  const cookies: string[] = [];
  for (let start = 0; start < users.length; start += 25) {
    await Promise.all(
      users.slice(start, start + 25).map(async (user, k) => {
        const url = urls[(start + k) % urls.length]!;
        const headers = { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1' };
        const login = await fetch(`${url}/api/demo/login`, { method: 'POST', headers, body: JSON.stringify({ user }) });
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
        cookies[start + k] = cookie;
        for (;;) {
          const mint = await fetch(`${url}/api/cocalc/token`, { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify({ path: 'intro.ipynb' }) });
          await mint.arrayBuffer();
          if (mint.status === 200) break;
          if (mint.status !== 202) throw new Error(`provisioning ${user} failed: ${mint.status}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }),
    );
  }
  return cookies;
}

const fake = await startFakeUpstream();
const dataDir = mkdtempSync(join(tmpdir(), 'cocalc-embed-bench-'));
const users = Array.from({ length: USERS }, (_, n) => `u${n}`);
const backendEnv = {
  COCALC_URL: fake.url,
  COCALC_API_KEY: fake.apiKey,
  COCALC_API: 'v1',
  COCALC_EMBED_DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  COCALC_EMBED_DEMO_AUTH: '1',
  COCALC_EMBED_DEMO_USERS: users.join(','),
  COCALC_EMBED_SESSION_SECRET: 'bench-secret-0123456789abcdef0123456789',
  // The bench config raises the abuse limits (the defaults in docs/threat-model.md#goal-abuse-limits would 429 a load test by design).
  COCALC_EMBED_RATE_USER_PER_MIN: '100000',
  COCALC_EMBED_RATE_USER_BURST: '1000',
  COCALC_EMBED_RATE_IP_PER_MIN: '10000000',
  COCALC_EMBED_RATE_IP_BURST: '100000',
  COCALC_UPSTREAM_MAX_CONCURRENCY: '256',
  COCALC_UPSTREAM_MAX_QUEUE: '1000',
};
const { child: backend, url } = await spawnAndReadUrl(['src/cli.ts', 'serve'], backendEnv);

try {
  // Sign every user in and provision them (the measured path is then the mint alone).
  const provisionStarted = Date.now();
  const cookies = await provisionAll([url]);
  const provisionSeconds = (Date.now() - provisionStarted) / 1000;
  metric('server.provision_users', users.length, 'users');
  metric('server.provision_s', provisionSeconds, 's');
  metric('server.provision_per_s', users.length / provisionSeconds, 'users/s');

  await fake.ask({ latencyMs: LATENCY_MS });
  const loaded = await run(url, cookies, DURATION);
  const non429 = loaded.non2xx - (loaded.statusCodeStats?.['429']?.count ?? 0);
  metric('server.mints_per_s', loaded['2xx'] / loaded.duration, 'req/s');
  metric('server.latency.p50_ms', loaded.latency.p50, 'ms');
  metric('server.latency.p99_ms', loaded.latency.p99, 'ms');
  metric('server.added_latency.p99_ms', loaded.latency.p99 - LATENCY_MS, 'ms');
  metric('server.errors', non429 + loaded.errors + loaded.timeouts, 'count');
  metric('server.rate_limited', loaded.statusCodeStats?.['429']?.count ?? 0, 'count');

  await fake.ask({ latencyMs: 0 });
  const full = await run(url, cookies, DURATION);
  const fullRps = full['2xx'] / full.duration;
  metric('server.full_zero_latency_rps', fullRps, 'req/s');

  await stop(backend);
  const { accountId } = (await fake.ask({ firstAccount: true })) as { accountId: string };
  const { child: bare, url: bareUrl } = await spawnAndReadUrl(['bench/bare-server.ts'], {
    BENCH_UPSTREAM_URL: fake.url,
    COCALC_API_KEY: fake.apiKey,
    BENCH_ACCOUNT_ID: accountId,
  });
  try {
    const base = await run(bareUrl, null, DURATION);
    const bareRps = base['2xx'] / base.duration;
    metric('server.bare_zero_latency_rps', bareRps, 'req/s');
    metric('server.overhead_ratio', fullRps / bareRps, 'ratio');
  } finally {
    await stop(bare);
  }

  await benchTwoInstancesOnPostgres();
} finally {
  if (backend.exitCode === null) await stop(backend);
  await stop(fake.child);
  rmSync(dataDir, { recursive: true, force: true });
}

/** Phase 4: two instances sharing a throw-away PostgreSQL, against the same fake upstream. */
async function benchTwoInstancesOnPostgres(): Promise<void> {
  const postgres = await startThrowawayPostgres();
  const instances: ChildProcess[] = [];
  try {
    const databaseUrl = await postgres.createDatabase();
    await fake.ask({ latencyMs: 0 });
    // One after the other: the first applies the migrations.
    for (let n = 0; n < 2; n++) {
      const { child, url: instanceUrl } = await spawnAndReadUrl(['src/cli.ts', 'serve'], { ...backendEnv, COCALC_EMBED_DATABASE_URL: databaseUrl });
      instances.push(Object.assign(child, { benchUrl: instanceUrl }));
    }
    const urls = instances.map((c) => (c as ChildProcess & { benchUrl: string }).benchUrl);
    const started = Date.now();
    const cookies = await provisionAll(urls);
    metric('server.pg.provision_per_s', users.length / ((Date.now() - started) / 1000), 'users/s');

    await fake.ask({ latencyMs: LATENCY_MS });
    // The same 50 connections as phase 1, split between the two instances (as a balancer would).
    const results = await Promise.all(urls.map((u) => run(u, cookies, DURATION, CONNECTIONS / urls.length)));
    const ok = results.reduce((sum, r) => sum + r['2xx'], 0);
    const seconds = Math.max(...results.map((r) => r.duration));
    metric('server.pg.mints_per_s', ok / seconds, 'req/s');
    metric('server.pg.latency.p99_ms', Math.max(...results.map((r) => r.latency.p99)), 'ms');
    metric('server.pg.errors', results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0), 'count');
  } finally {
    for (const child of instances) if (child.exitCode === null) await stop(child);
    postgres.stop();
  }
}
