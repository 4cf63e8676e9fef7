import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { detectApiGeneration } from './detect-api-generation.js';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { mintReady } from './test-support/mint-ready.js';
import { startTestEmulator } from './test-support/upstream.js';
import { UpstreamError } from './upstream-error.js';
import { UpstreamTransport } from './upstream-transport.js';

const transportFor = (url: string, apiKey: string, timeoutMs = 1500) => new UpstreamTransport({ cocalcUrl: url, apiKey, timeoutMs });
const paths = (fake: FakeCocalc) => fake.calls.map((c) => c.path);
const isKind = (kind: string) => (e: unknown) => e instanceof UpstreamError && e.kind === kind;

describe('API generation detection asks the current API first', () => {
  it('asks a current CoCalc nothing under /api/v1: one conat hub probe decides', async () => {
    const fake = await startFakeCocalc({ generation: 'modern' });
    try {
      assert.equal(await detectApiGeneration(transportFor(fake.url, fake.apiKey)), 'modern');
      assert.deepEqual(paths(fake), ['/api/conat/hub']);
      assert.equal(fake.calls[0]!.body.name, 'system.ping');
    } finally {
      await fake.close();
    }
  });

  it('takes a conat bridge that does not know system.ping for a current CoCalc (the emulator\'s answer), still without /api/v1', async () => {
    const emu = await startTestEmulator('modern');
    const seen: string[] = [];
    const proxy = await startForwarder(() => emu.url, seen);
    try {
      assert.equal(await detectApiGeneration(transportFor(proxy.url, emu.apiKey)), 'modern');
      assert.deepEqual(seen, ['/api/conat/hub']);
    } finally {
      await proxy.close();
      await emu.close();
    }
  });

  it('still detects a classic CoCalc: its 404 page for the conat hub, then v1 ping answers pong', async () => {
    const fake = await startFakeCocalc({ generation: 'classic' });
    try {
      assert.equal(await detectApiGeneration(transportFor(fake.url, fake.apiKey)), 'v1');
      assert.deepEqual(paths(fake), ['/api/conat/hub', '/api/v1/ping']);
    } finally {
      await fake.close();
    }
  });

  for (const generation of ['modern', 'classic'] as const) {
    it(`a slow ${generation} server costs one probe, not two in a row: the timeout is thrown and v1 is not asked after it`, async () => {
      const fake = await startFakeCocalc({ generation });
      fake.mode = 'slow';
      try {
        await assert.rejects(detectApiGeneration(transportFor(fake.url, fake.apiKey, 300)), isKind('timeout'));
        assert.deepEqual(paths(fake), ['/api/conat/hub']);
      } finally {
        await fake.close();
      }
    });
  }

  it('a broken server (HTTP 500, connection reset) is reported as broken after one probe, never as the other generation', async () => {
    const fake = await startFakeCocalc({ generation: 'modern' });
    try {
      fake.mode = '500';
      await assert.rejects(detectApiGeneration(transportFor(fake.url, fake.apiKey)), isKind('http'));
      fake.mode = 'reset';
      await assert.rejects(detectApiGeneration(transportFor(fake.url, fake.apiKey)), isKind('network'));
      assert.ok(!paths(fake).some((p) => p.startsWith('/api/v1/')), paths(fake).join(' '));
    } finally {
      await fake.close();
    }
  });

  it('a wrong key on a current CoCalc is the key error it is, not a reason to try API v1', async () => {
    const fake = await startFakeCocalc({ generation: 'modern' });
    try {
      await assert.rejects(detectApiGeneration(transportFor(fake.url, `sk-${'x'.repeat(24)}`)), isKind('semantic'));
      assert.deepEqual(paths(fake), ['/api/conat/hub']);
    } finally {
      await fake.close();
    }
  });

  it('a server that is neither (404 everywhere) is "invalid" after exactly two probes', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>404</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await assert.rejects(detectApiGeneration(transportFor(url, `sk-${'k'.repeat(24)}`)), isKind('invalid'));
      assert.deepEqual(seen, ['/api/conat/hub', '/api/v1/ping']);
    } finally {
      await close(server);
    }
  });
});

describe('the token backend caches the detected generation', () => {
  let modern: FakeCocalc;
  let classic: FakeCocalc;
  let target: FakeCocalc;
  let proxy: { url: string; close(): Promise<void> };
  let h: Harness;
  const seen: string[] = [];

  before(async () => {
    classic = await startFakeCocalc({ generation: 'classic' });
    modern = await startFakeCocalc({ generation: 'modern', apiKey: classic.apiKey });
    target = classic;
    proxy = await startForwarder(() => target.url, seen);
    h = await startHarness({ url: proxy.url, apiKey: classic.apiKey });
  });
  after(async () => {
    await h.close();
    await proxy.close();
    await classic.close();
    await modern.close();
  });

  it('detects once per process: later mints for other users ask nothing again', async () => {
    const first = await mintReady(h, await h.login('alice'));
    assert.equal(first.signIn, 'url');
    await mintReady(h, await h.login('bob'));
    await mintReady(h, await h.login('alice'));
    assert.equal(seen.filter((p) => p === '/api/v1/ping').length, 1);
    assert.equal(seen.filter((p) => p === '/api/conat/hub').length, 1);
  });

  it('detects again once CoCalc answers 404 on a route it used (upgraded from API v1 to the current API)', async () => {
    target = modern;
    seen.length = 0;
    const carol = await h.login('carol');
    // The request that meets the vanished route fails; the next one asks again and succeeds.
    const failed = await h.mint(carol, { path: 'intro.ipynb' });
    assert.equal(failed.status, 502);
    const again = await mintReady(h, carol);
    assert.equal(again.signIn, 'impersonate');
    assert.ok(seen.includes('/api/conat/hub'));
    assert.equal(seen.filter((p) => p.startsWith('/api/v1/')).length, 1, 'only the call that met the 404');
    assert.ok(h.logs.some((l) => l.includes('detecting its API again')));
  });
});

/** A plain HTTP forwarder to `target()`, recording each path: lets a test watch or swap the upstream. */
async function startForwarder(target: () => string, seen: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    seen.push((req.url ?? '').split('?')[0]!);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
      fetch(`${target()}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: 'manual' })
        .then(async (upstream) => {
          res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
          res.end(Buffer.from(await upstream.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => close(server) };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

