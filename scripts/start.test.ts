/**
 * `pnpm start`, planned case by case and run for real: the emulator demo in both generations, and
 * the one-command start against a real CoCalc (an HTTPS emulator in the modern generation stands
 * in for it). Every run uses free ports and scratch folders, so it never meets a running demo.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
// Not a dependency of the workspace root: imported by path (its own dependencies resolve from there).
import { startEmulator, type RunningEmulator } from '../packages/emulator/src/index.js';
import { localCertificate } from './local-certificate.js';
import { planStart } from './start-plan.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const KEY = `sk-${'T'.repeat(24)}`;

describe('pnpm start plan', () => {
  it('without COCALC_URL: the emulator in the modern generation, the demo on http://localhost:5173', () => {
    const plan = planStart({});
    assert.equal(plan.mode, 'emulator');
    assert.equal(plan.generation, 'modern');
    assert.equal(plan.cocalcUrl, 'http://localhost:5180');
    assert.equal(plan.demoUrl, 'http://localhost:5173/');
    assert.equal(plan.backendPort, 8787);
    assert.deepEqual(plan.problems, []);
  });

  it('EMULATOR_GENERATION=classic keeps the classic emulator; anything else is refused by name', () => {
    assert.equal(planStart({ EMULATOR_GENERATION: 'classic' }).generation, 'classic');
    assert.match(planStart({ EMULATOR_GENERATION: 'v1' }).problems.join(), /EMULATOR_GENERATION/);
    assert.match(planStart({ DEMO_PORT: '70000' }).problems.join(), /DEMO_PORT/);
  });

  it('a CoCalc on localhost: the page is https://localhost on port 443, iframe_comm_hosts = localhost, dns = its host:port', () => {
    const plan = planStart({ COCALC_URL: 'https://localhost:5000/', COCALC_API_KEY: KEY });
    assert.equal(plan.mode, 'real');
    assert.equal(plan.cocalcUrl, 'https://localhost:5000');
    assert.equal(plan.demoUrl, 'https://localhost/');
    assert.equal(plan.demoPort, 443);
    assert.deepEqual(plan.certificateNames, ['localhost', '127.0.0.1']);
    const settings = Object.fromEntries(plan.operatorSettings.map((s) => [s.name, s.value]));
    assert.equal(settings.iframe_comm_hosts, 'localhost');
    assert.equal(settings.dns, 'localhost:5000');
    assert.match(settings.samesite_remember_me!, /strict/);
    assert.ok(!plan.notes.some((n) => n.includes('443')), 'no port warning on 443');
  });

  it('a CoCalc elsewhere: the page is a subdomain of its host (same site), with the hosts-file line to reach it', () => {
    const plan = planStart({ COCALC_URL: 'https://cocalc.example.edu/base', COCALC_API_KEY: KEY });
    assert.equal(plan.cocalcUrl, 'https://cocalc.example.edu/base');
    assert.equal(plan.pageHost, 'embed-demo.cocalc.example.edu');
    assert.equal(plan.demoUrl, 'https://embed-demo.cocalc.example.edu/');
    assert.deepEqual(plan.certificateNames, ['embed-demo.cocalc.example.edu']);
    assert.ok(plan.notes.some((n) => n.includes('127.0.0.1 embed-demo.cocalc.example.edu')));
    const own = planStart({ COCALC_URL: 'https://cocalc.example.edu', COCALC_API_KEY: KEY, DEMO_HOST: 'learn.example.edu' });
    assert.equal(own.demoUrl, 'https://learn.example.edu/');
    assert.ok(!own.notes.some((n) => n.includes('SESSION_BLOCKED')));
  });

  it('warns about a page that cannot work: another site, a port other than 443', () => {
    const cross = planStart({ COCALC_URL: 'https://cocalc.example.edu', COCALC_API_KEY: KEY, DEMO_HOST: 'learn.other.org' });
    assert.ok(cross.notes.some((n) => n.includes('SESSION_BLOCKED')));
    const port = planStart({ COCALC_URL: 'https://localhost:5000', COCALC_API_KEY: KEY, DEMO_PORT: '8443' });
    assert.equal(port.demoUrl, 'https://localhost:8443/');
    assert.ok(port.notes.some((n) => n.includes('443')));
  });

  it('refuses what cannot work at all: an http CoCalc, no API key, not a URL', () => {
    assert.match(planStart({ COCALC_URL: 'http://localhost:5000', COCALC_API_KEY: KEY }).problems.join(), /must be https/);
    assert.match(planStart({ COCALC_URL: 'https://localhost:5000' }).problems.join(), /COCALC_API_KEY/);
    assert.match(planStart({ COCALC_URL: 'localhost', COCALC_API_KEY: KEY }).problems.join(), /not a URL/);
  });
});

describe('pnpm start on the emulator', () => {
  for (const generation of ['modern', 'classic'] as const) {
    const env: Record<string, string> = generation === 'modern' ? {} : { EMULATOR_GENERATION: 'classic' };
    it(`${generation === 'modern' ? 'by default' : 'EMULATOR_GENERATION=classic'}: the ${generation} emulator, and the demo's tokens sign in by ${generation === 'modern' ? 'impersonate' : 'url'}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cocalc-embed-start-'));
      const [emulatorPort, backendPort, demoPort] = await freePorts(3);
      const run = startScript({
        ...env,
        EMULATOR_PORT: String(emulatorPort),
        BACKEND_PORT: String(backendPort),
        DEMO_PORT: String(demoPort),
        EMULATOR_DATA_DIR: join(dir, 'emulator'),
        COCALC_EMBED_DATA_DIR: join(dir, 'server'),
      });
      try {
        await run.waitFor(`open http://localhost:${demoPort}/`);
        assert.match(run.output(), new RegExp(`emulator \\(${generation} generation\\)`));
        const customize = await until(() => fetchJson(`http://localhost:${emulatorPort}/customize`));
        assert.equal((customize as { emulator: { generation: string } }).emulator.generation, generation);
        const demo = `http://localhost:${demoPort}`;
        await until(() => fetchText(`${demo}/`));
        const token = await mintThroughDemo((path, init) => fetch(`${demo}${path}`, init));
        assert.equal(token.signIn, generation === 'modern' ? 'impersonate' : 'url');
        assert.equal(token.cocalcUrl, `http://localhost:${emulatorPort}`);
      } finally {
        await run.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('pnpm start against a real CoCalc (an HTTPS emulator, modern generation)', () => {
  let dir: string;
  let cocalc: RunningEmulator;
  let cocalcCertPath: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cocalc-embed-start-real-'));
    const cert = localCertificate({ dir: join(dir, 'cocalc-tls'), names: ['localhost', '127.0.0.1'], days: 2 });
    cocalcCertPath = cert.certPath;
    const [port] = await freePorts(1);
    cocalc = await startEmulator({
      port,
      https: { key: cert.key, cert: cert.cert },
      publicUrl: `https://localhost:${port}`,
      generation: 'modern',
      iframeCommHosts: 'localhost',
      devHttpOrigins: [],
      dataDir: join(dir, 'cocalc'),
    });
  });
  after(async () => {
    await cocalc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the demo over HTTPS with its own certificate, prints what the operator must set, and mints through the real API', async () => {
    const [backendPort, demoPort] = await freePorts(2);
    const cocalcUrl = `https://localhost:${new URL(cocalc.url).port}`;
    const run = startScript({
      COCALC_URL: cocalcUrl,
      COCALC_API_KEY: cocalc.apiKey,
      // The stand-in's certificate is self-signed, as a local CoCalc's often is.
      NODE_EXTRA_CA_CERTS: cocalcCertPath,
      BACKEND_PORT: String(backendPort),
      DEMO_PORT: String(demoPort),
      DEMO_CERT_DIR: join(dir, 'demo-tls'),
      COCALC_EMBED_DATA_DIR: join(dir, 'server'),
    });
    try {
      const demoUrl = `https://localhost:${demoPort}/`;
      await run.waitFor(`open ${demoUrl}`);
      const out = run.output();
      assert.match(out, new RegExp(`starting against ${escape(cocalcUrl)} \\(no emulator\\)`));
      assert.match(out, new RegExp(`demo page: ${escape(demoUrl)} over HTTPS, certificate (\\S+) \\(made now\\)`));
      assert.match(out, /iframe_comm_hosts\s+= localhost\n/);
      assert.match(out, new RegExp(`dns\\s+= localhost:${new URL(cocalc.url).port}\\n`));
      assert.match(out, /must be on the same site as CoCalc/);
      // It read the stand-in's /customize: set up right, so nothing to fix.
      assert.match(out, /ok {2}iframe_comm_hosts is localhost: admits https:\/\/localhost\n/);
      assert.match(out, new RegExp(`ok {2}dns is localhost:${new URL(cocalc.url).port}\\n`));
      assert.ok(!out.includes('FIX'), out);
      assert.match(out, /frame-ancestors https:\/\/localhost:\d+/);
      assert.match(out, /DEMO_PORT=\d+: CoCalc's kiosk bridge answers only pages on the default https port \(443\)/);
      assert.ok(!out.includes(cocalc.apiKey), 'the API key is never printed');
      assert.ok(!/\bemulator\b.*listening/.test(out), 'no emulator is started');
      const demoCert = readFileSync(/certificate (\S+) \(made now\)/.exec(out)![1]!);

      // The page answers over HTTPS with that certificate, for the host name the page is opened at.
      const page = await until(() => httpsGet(demoPort, '/', demoCert));
      assert.equal(page.status, 200);
      assert.match(page.body, /<cocalc-notebook/);
      // …and the token endpoint behind it reaches the CoCalc over its own HTTPS and detects the current API.
      const token = await mintThroughDemo((path, init) => httpsFetch(demoPort, path, demoCert, init));
      assert.equal(token.signIn, 'impersonate');
      assert.equal(token.cocalcUrl, cocalcUrl);
    } finally {
      await run.stop();
    }
  });

  it('refuses an http:// CoCalc at once, saying why, and starts nothing', async () => {
    const run = startScript({ COCALC_URL: 'http://localhost:5000', COCALC_API_KEY: cocalc.apiKey });
    const code = await run.exited;
    assert.equal(code, 2);
    assert.match(run.output(), /COCALC_URL must be https/);
  });
});

// ---------------------------------------------------------------------------------------------

interface ScriptRun {
  output(): string;
  waitFor(text: string): Promise<void>;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Runs scripts/start.ts as `pnpm start` does, in its own process group (so stop() ends all it started). */
function startScript(env: Record<string, string>): ScriptRun {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: REPO,
    env: { ...process.env, FORCE_COLOR: '0', COCALC_API_KEY: '', COCALC_URL: '', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => text,
    exited,
    async waitFor(needle) {
      const deadline = Date.now() + 90_000;
      while (!text.includes(needle)) {
        if (child.exitCode !== null) throw new Error(`start.ts exited (${child.exitCode}):\n${text}`);
        if (Date.now() > deadline) throw new Error(`"${needle}" not printed within 90 s:\n${text}`);
        await sleep(100);
      }
    },
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      process.kill(-child.pid, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!done) process.kill(-child.pid, 'SIGKILL');
      await exited;
    },
  };
}

/** Signs in to the demo as alice and asks its token endpoint for intro.ipynb (following 202s). */
async function mintThroughDemo(send: (path: string, init: RequestInit) => Promise<Response>): Promise<{ signIn: string; cocalcUrl: string }> {
  const headers = { 'content-type': 'application/json', 'x-cocalc-embed': '1' };
  const login = await until(async () => {
    const res = await send('/api/demo/login', { method: 'POST', headers, body: JSON.stringify({ user: 'alice' }) });
    if (res.status !== 200) throw new Error(`login: ${res.status}`);
    return res;
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  for (let attempt = 0; attempt < 200; attempt++) {
    const res = await send('/api/cocalc/token', { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify({ path: 'intro.ipynb' }) });
    if (res.status === 202) {
      await sleep(200);
      continue;
    }
    const body = (await res.json()) as { signIn: string; cocalcUrl: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  }
  throw new Error('still provisioning');
}

/** GET over HTTPS to localhost:`port`, trusting only `ca`, checking the certificate names localhost. */
function httpsGet(port: number, path: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return httpsFetch(port, path, ca, { method: 'GET' }).then(async (r) => ({ status: r.status, body: await r.text() }));
}

function httpsFetch(port: number, path: string, ca: Buffer, init: RequestInit): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `localhost:${port}` };
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[k] = v;
    const req = httpsRequest(
      { host: '127.0.0.1', port, servername: 'localhost', ca, method: init.method ?? 'GET', path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          for (const c of res.headers['set-cookie'] ?? []) h.append('set-cookie', c);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: h }));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(typeof init.body === 'string' ? init.body : undefined);
  });
}

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.text();
}

/** Retries `fn` until it resolves (services come up one after the other), for up to 60 s. */
async function until<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
