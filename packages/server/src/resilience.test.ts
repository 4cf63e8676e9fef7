import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseApiErrorBody, parseTokenResponse } from '@cocalc-embed/protocol';
import type { RunningEmulator } from '@cocalc-embed/emulator';
import { startFakeCocalc, type FakeCocalc, type FakeMode } from './test-support/fake-cocalc.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { GENERATIONS, startTestEmulator } from './test-support/upstream.js';

const tokenCalls = (fake: FakeCocalc) =>
  fake.calls.filter((c) => c.path === '/api/v1/user_auth' || c.body.name === 'system.generateUserAuthToken').length;

/** Asserts an error answer: status, code, no token, no key, no upstream text. */
async function assertCleanError(res: Response, status: number, code: string, apiKey: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.equal(parseApiErrorBody(JSON.parse(text))?.code, code);
  assert.ok(!text.includes(apiKey), 'the key is never echoed');
  assert.ok(!/html|internal:|something failed|Bad gateway/i.test(text), 'the upstream body is never echoed');
  assert.ok(!text.includes('"token"'));
  assert.equal(res.headers.get('cache-control'), 'no-store');
}

for (const generation of GENERATIONS) {
  describe(`upstream failures via the emulator's upstream control (${generation})`, () => {
    let emu: RunningEmulator;
    let h: Harness;
    let alice: string;
    before(async () => {
      emu = await startTestEmulator(generation);
      h = await startHarness(emu, { COCALC_BREAKER_THRESHOLD: '100', COCALC_UPSTREAM_TIMEOUT_MS: '800' });
      alice = await h.login('alice');
      assert.equal((await h.mint(alice, { path: 'intro.ipynb' })).status, 200, 'pre-provisioned');
    });
    after(async () => {
      emu.controls.set({ upstream: 'ok' });
      await h.close();
      await emu.close();
    });

    const cases: Array<[string, number, string]> = [
      ['500', 502, 'UPSTREAM_ERROR'],
      ['html', 502, 'UPSTREAM_ERROR'],
      ['slow', 504, 'UPSTREAM_TIMEOUT'],
      ['reset', 503, 'UPSTREAM_UNAVAILABLE'],
    ];
    for (const [mode, status, code] of cases) {
      it(`maps upstream "${mode}" to ${status} ${code} without leaking anything`, async () => {
        emu.controls.set({ upstream: mode });
        try {
          const started = Date.now();
          await assertCleanError(await h.mint(alice, { path: 'intro.ipynb' }), status, code, emu.apiKey);
          assert.ok(Date.now() - started < 3_000, 'bounded by the upstream timeout');
        } finally {
          emu.controls.set({ upstream: 'ok' });
        }
      });
    }

    it('recovers once CoCalc answers again', async () => {
      assert.equal((await h.mint(alice, { path: 'intro.ipynb' })).status, 200);
    });

    it('kept the API key and every token out of the logs through all those errors', () => {
      const logs = h.logs.join('\n');
      assert.ok(logs.includes('upstream failure'), 'failures are logged');
      assert.ok(!logs.includes(emu.apiKey));
      assert.ok(!/[A-Za-z0-9]{24}"/.test(logs.replace(/"[0-9a-f-]{36}"/g, '')), 'nothing token-shaped');
    });
  });

  describe(`resilience with a fake CoCalc (${generation})`, () => {
    let fake: FakeCocalc;
    let h: Harness;
    let alice: string;
    const reset = (mode: FakeMode = 'ok') => {
      fake.mode = mode;
      fake.calls.length = 0;
    };
    before(async () => {
      fake = await startFakeCocalc({ generation });
      h = await startHarness(fake, { COCALC_BREAKER_THRESHOLD: '5', COCALC_BREAKER_COOLDOWN_MS: '400' });
      alice = await h.login('alice');
      assert.equal((await h.mint(alice, { path: 'intro.ipynb' })).status, 200);
    });
    after(async () => {
      await h.close();
      await fake.close();
    });

    it('started the project before handing out the first token', () => {
      assert.equal([...fake.state.projects.values()].filter((p) => p.running).length, 1);
    });

    it('retries exactly once after a connection reset and then succeeds', async () => {
      reset('reset-once');
      const res = await h.mint(alice, { path: 'intro.ipynb' });
      assert.equal(res.status, 200);
      assert.equal(tokenCalls(fake), 2);
    });

    it('never retries a semantic error (HTTP 200 with an error)', async () => {
      reset('error200');
      await assertCleanError(await h.mint(alice, { path: 'intro.ipynb' }), 502, 'UPSTREAM_ERROR', fake.apiKey);
      assert.equal(tokenCalls(fake), 1);
    });

    it('never retries an HTTP 500', async () => {
      reset('500');
      await assertCleanError(await h.mint(alice, { path: 'intro.ipynb' }), 502, 'UPSTREAM_ERROR', fake.apiKey);
      assert.equal(tokenCalls(fake), 1);
      reset();
      assert.equal((await h.mint(alice, { path: 'intro.ipynb' })).status, 200);
    });

    it('refuses a malformed token from CoCalc with 502', async () => {
      reset('badtoken');
      await assertCleanError(await h.mint(alice, { path: 'intro.ipynb' }), 502, 'UPSTREAM_ERROR', fake.apiKey);
      reset();
    });

    it('coalesces 20 concurrent mints for one user and project into one upstream call', async () => {
      reset();
      fake.latencyMs = 150;
      try {
        const responses = await Promise.all(Array.from({ length: 20 }, () => h.mint(alice, { path: 'intro.ipynb' })));
        const bodies = await Promise.all(responses.map(async (r) => parseTokenResponse(await r.json())));
        assert.equal(tokenCalls(fake), 1);
        assert.equal(new Set(bodies.map((b) => b.token)).size, 1);
      } finally {
        fake.latencyMs = 0;
      }
    });

    it('opens the breaker after 5 consecutive failures: fast 503 with Retry-After, no upstream call; then a half-open probe closes it', async () => {
      reset('500');
      for (let i = 0; i < 5; i += 1) assert.equal((await h.mint(alice, { path: 'intro.ipynb' })).status, 502);
      const callsBefore = fake.calls.length;
      const started = performance.now();
      const res = await h.mint(alice, { path: 'intro.ipynb' });
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 50, `fails fast (${elapsed.toFixed(1)} ms)`);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      await assertCleanError(res, 503, 'UPSTREAM_UNAVAILABLE', fake.apiKey);
      assert.equal(fake.calls.length, callsBefore, 'CoCalc is not called while open');
      fake.mode = 'ok';
      await new Promise((r) => setTimeout(r, 450));
      assert.equal((await h.mint(alice, { path: 'intro.ipynb' })).status, 200, 'probe succeeds');
      assert.equal((await h.mint(alice, { path: 'intro.ipynb' })).status, 200, 'closed again');
    });

    it('maps connection refused to 503 UPSTREAM_UNAVAILABLE', async () => {
      const dead = await startHarness({ url: 'http://127.0.0.1:9', apiKey: fake.apiKey });
      try {
        const cookie = await dead.login('alice');
        await assertCleanError(await dead.mint(cookie, { path: 'intro.ipynb' }), 503, 'UPSTREAM_UNAVAILABLE', fake.apiKey);
        assert.ok(!dead.logs.join('\n').includes(fake.apiKey));
      } finally {
        await dead.close();
      }
    });

    it('kept the key and tokens out of logs across all these paths', () => {
      const logs = h.logs.join('\n');
      assert.ok(!logs.includes(fake.apiKey));
      for (const token of fake.state.tokens.keys()) assert.ok(!logs.includes(token));
    });
  });
}

describe('rate limits', () => {
  let fake: FakeCocalc;
  before(async () => {
    fake = await startFakeCocalc({ generation: 'classic' });
  });
  after(() => fake.close());

  it('limits each user to the burst, answering 429 with Retry-After, without affecting others', async () => {
    const h = await startHarness(fake, { COCALC_EMBED_RATE_USER_PER_MIN: '10', COCALC_EMBED_RATE_USER_BURST: '5' });
    try {
      const alice = await h.login('alice');
      const bob = await h.login('bob');
      for (let i = 0; i < 5; i += 1) assert.equal((await h.mint(alice, { path: 'a.ipynb' })).status, 200);
      const limited = await h.mint(alice, { path: 'a.ipynb' });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '6');
      assert.equal(parseApiErrorBody(await limited.json())?.code, 'RATE_LIMITED');
      assert.equal((await h.mint(bob, { path: 'a.ipynb' })).status, 200);
    } finally {
      await h.close();
    }
  });

  it('limits each client address across users', async () => {
    const h = await startHarness(fake, { COCALC_EMBED_RATE_IP_PER_MIN: '60', COCALC_EMBED_RATE_IP_BURST: '3' });
    try {
      const alice = await h.login('alice');
      const bob = await h.login('bob');
      for (const who of [alice, bob, alice]) assert.equal((await h.mint(who, { path: 'a.ipynb' })).status, 200);
      const res = await h.mint(bob, { path: 'a.ipynb' });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '1');
    } finally {
      await h.close();
    }
  });
});

describe('configuration-dependent behaviour', () => {
  let fake: FakeCocalc;
  before(async () => {
    fake = await startFakeCocalc({ generation: 'classic' });
  });
  after(() => fake.close());

  it('answers 503 at once when the upstream concurrency cap and its queue are full', async () => {
    const h = await startHarness(fake, { COCALC_UPSTREAM_MAX_CONCURRENCY: '1', COCALC_UPSTREAM_MAX_QUEUE: '1' });
    try {
      const cookies = await Promise.all(['alice', 'bob', 'carol'].map((u) => h.login(u)));
      for (const cookie of cookies) assert.equal((await h.mint(cookie, { path: 'a.ipynb' })).status, 200);
      fake.latencyMs = 200;
      const responses = await Promise.all(cookies.map((cookie) => h.mint(cookie, { path: 'a.ipynb' })));
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, 200, 503]);
      const refused = responses.find((r) => r.status === 503)!;
      assert.equal(parseApiErrorBody(await refused.json())?.code, 'UPSTREAM_UNAVAILABLE');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    } finally {
      fake.latencyMs = 0;
      await h.close();
    }
  });

  it('has no demo login unless demo auth is configured, so every mint is 401', async () => {
    const h = await startHarness(fake, { COCALC_EMBED_DEMO_AUTH: '0' });
    try {
      await assert.rejects(h.login('alice'), /404/);
      assert.equal((await h.mint(undefined, { path: 'a.ipynb' })).status, 401);
    } finally {
      await h.close();
    }
  });

  it('keeps the mapping across a restart: same project, nothing created again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cocalc-embed-restart-'));
    const first = await startHarness(fake, {}, dataDir);
    const a = parseTokenResponse(await (await first.mint(await first.login('carol'), { path: 'a.ipynb' })).json());
    await first.close();
    fake.calls.length = 0;
    const second = await startHarness(fake, {}, dataDir);
    try {
      const b = parseTokenResponse(await (await second.mint(await second.login('carol'), { path: 'a.ipynb' })).json());
      assert.equal(b.projectId, a.projectId);
      assert.deepEqual(
        fake.calls.filter((c) => /create_account|create_project|write_text/.test(c.path)),
        [],
      );
    } finally {
      await second.close();
    }
  });

  it('per-notebook mode gives each notebook its own project', async () => {
    const h = await startHarness(fake, { COCALC_EMBED_PROJECT_MODE: 'per-notebook' });
    try {
      const cookie = await h.login('alice');
      const a = parseTokenResponse(await (await h.mint(cookie, { path: 'lab1.ipynb' })).json());
      const b = parseTokenResponse(await (await h.mint(cookie, { path: 'lab2.ipynb' })).json());
      const c = parseTokenResponse(await (await h.mint(cookie, { path: 'lab1.ipynb' })).json());
      assert.notEqual(a.projectId, b.projectId);
      assert.equal(a.projectId, c.projectId);
    } finally {
      await h.close();
    }
  });

  it('honours COCALC_SIGN_IN over detection', async () => {
    const h = await startHarness(fake, { COCALC_SIGN_IN: 'impersonate' });
    try {
      const res = parseTokenResponse(await (await h.mint(await h.login('alice'), { path: 'a.ipynb' })).json());
      assert.equal(res.signIn, 'impersonate');
    } finally {
      await h.close();
    }
  });

  it('answers 503 SHUTTING_DOWN and readyz 503 at once while draining, and lets in-flight mints finish', async () => {
    const h = await startHarness(fake);
    const cookie = await h.login('alice');
    assert.equal((await h.mint(cookie, { path: 'a.ipynb' })).status, 200);
    fake.latencyMs = 300;
    try {
      const inFlight = h.mint(cookie, { path: 'a.ipynb' });
      while (h.server.app.embed.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
      const closing = h.server.close();
      const app = h.server.app;
      assert.equal((await app.fetch(new Request('http://x/readyz'))).status, 503);
      assert.equal((await inFlight).status, 200, 'the in-flight mint completes');
      assert.equal(await closing, true, 'drained');
      await assert.rejects(fetch(`${h.server.url}/healthz`), 'no longer accepting');
    } finally {
      fake.latencyMs = 0;
    }
  });
});
