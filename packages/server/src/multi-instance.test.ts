import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import { startEmulator, type RunningEmulator } from '@cocalc-embed/emulator';
import { startThrowawayPostgres, type ThrowawayPostgres } from './test-support/throwaway-postgres.js';
import { startRecordingProxy } from './test-support/recording-proxy.js';
import { CREATING_CALLS, readEmulatorState, startBackendProcess, type EmulatorState } from './test-support/backend-process.js';

// The emulator, one PostgreSQL and two `cocalc-embed serve` processes, as behind a load balancer.

const HEADERS = { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1', 'sec-fetch-site': 'same-origin' };
const FIRST_WAVE = Array.from({ length: 50 }, (_, n) => `s${n + 1}`);
const SECOND_WAVE = Array.from({ length: 30 }, (_, n) => `k${n + 1}`);

async function login(url: string, user: string): Promise<string> {
  const res = await fetch(`${url}/api/demo/login`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ user }) });
  assert.equal(res.status, 200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** How one request ended: a token, an HTTP failure (status), or no connection. */
type Outcome = { kind: 'token' } | { kind: 'http'; status: number } | { kind: 'connection'; code: string };

/** Asks `url` for a token until it answers 200 (retrying after each 202, as the element does), or fails. */
async function visit(url: string, cookie: string): Promise<Outcome> {
  for (;;) {
    let res: Response;
    try {
      res = await fetch(`${url}/api/cocalc/token`, { method: 'POST', headers: { ...HEADERS, cookie }, body: JSON.stringify({ path: 'intro.ipynb' }) });
      await res.arrayBuffer();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      return { kind: 'connection', code: cause?.code ?? String(error) };
    }
    if (res.status === 200) return { kind: 'token' };
    if (res.status !== 202) return { kind: 'http', status: res.status };
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ours(emuDir: string, users: readonly string[]): { accounts: EmulatorState['accounts'][string][]; projects: EmulatorState['projects'][string][] } {
  const state = readEmulatorState(emuDir);
  const names = new Set(users);
  return {
    accounts: Object.values(state.accounts).filter((a) => a.email_address?.endsWith('@users.cocalc-embed.invalid') && names.has(a.last_name)),
    projects: Object.values(state.projects).filter((p) => names.has(/^default \(([^)]+)\)/.exec(p.title)?.[1] ?? '')),
  };
}

/** Exactly one account per user and one default project per user, shared with that user's account. */
function assertExactlyOnce(emuDir: string, users: readonly string[]): void {
  const { accounts, projects } = ours(emuDir, users);
  assert.equal(accounts.length, users.length, 'one CoCalc account per user');
  assert.equal(projects.length, users.length, 'one CoCalc project per user');
  for (const user of users) {
    const account = accounts.filter((a) => a.last_name === user);
    assert.equal(account.length, 1, `one account for ${user}`);
    const project = projects.filter((p) => p.title.startsWith(`default (${user})`));
    assert.equal(project.length, 1, `one project for ${user}`);
    assert.ok(project[0]!.users[account[0]!.account_id], `the project of ${user} is shared with ${user}`);
  }
}

describe('two backend instances on one PostgreSQL, behind a load balancer', () => {
  let postgres: ThrowawayPostgres;
  let emu: RunningEmulator;
  let emuDir: string;
  const taps: Array<{ close: () => Promise<void> }> = [];
  const children: ChildProcess[] = [];
  let killA: ((path: string) => void) | undefined;
  let a: string;
  let b: string;
  let childA: ChildProcess;

  before(async () => {
    postgres = await startThrowawayPostgres();
    emuDir = mkdtempSync(join(tmpdir(), 'cocalc-embed-multi-emu-'));
    emu = await startEmulator({ port: 0, host: '127.0.0.1', dataDir: emuDir, generation: 'modern' });
    const env = {
      // The same COCALC_URL on every instance: it names the mapping's namespace in the database.
      COCALC_URL: emu.url,
      COCALC_API_KEY: emu.apiKey,
      COCALC_EMBED_DATABASE_URL: await postgres.createDatabase(),
      COCALC_EMBED_DATA_DIR: mkdtempSync(join(tmpdir(), 'cocalc-embed-multi-')),
      COCALC_EMBED_DEMO_AUTH: '1',
      COCALC_EMBED_DEMO_USERS: [...FIRST_WAVE, ...SECOND_WAVE].join(','),
      // What every instance must share: the session secret (a cookie from one is good on the other).
      COCALC_EMBED_SESSION_SECRET: 'multi-instance-secret-0123456789abcdef',
      COCALC_EMBED_PROVISION_WAIT_MS: '1000',
      COCALC_EMBED_FIRST_PROJECT: 'keep',
      COCALC_EMBED_RATE_USER_PER_MIN: '100000',
      COCALC_EMBED_RATE_USER_BURST: '100000',
      COCALC_EMBED_RATE_IP_PER_MIN: '1000000',
      COCALC_EMBED_RATE_IP_BURST: '1000000',
      PORT: '0',
      LOG_LEVEL: 'error',
    };
    // Each instance reaches CoCalc's API through a tap of its own (COCALC_API_URL), so the test
    // knows which one is creating.
    const tapA = await startRecordingProxy(emu.url, (path) => killA?.(path));
    const tapB = await startRecordingProxy(emu.url, () => {});
    taps.push(tapA, tapB);
    // Start one after the other: the first applies the migrations, the second finds them done.
    const first = await startBackendProcess({ ...env, COCALC_API_URL: tapA.url });
    const second = await startBackendProcess({ ...env, COCALC_API_URL: tapB.url });
    children.push(first.child, second.child);
    [a, b, childA] = [first.url, second.url, first.child];
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const tap of taps) await tap.close();
    await emu?.close();
    postgres?.stop();
    rmSync(emuDir, { recursive: true, force: true });
  });

  it('200 concurrent first visits of 50 new users, alternated between the instances, make exactly 50 accounts and 50 projects, with no errors', async () => {
    const cookies = new Map(await Promise.all(FIRST_WAVE.map(async (u) => [u, await login(a, u)] as const)));
    // Request i goes to user i mod 50 on instance A or B by turns: every user is asked for on both.
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const user = FIRST_WAVE[i % 50]!;
        return visit(Math.floor(i / 50) % 2 === 0 ? a : b, cookies.get(user)!);
      }),
    );
    const failures = outcomes.filter((o) => o.kind !== 'token');
    assert.deepEqual(failures, [], 'every request ends with a token');
    assertExactlyOnce(emuDir, FIRST_WAVE);
  });

  it('with one instance killed mid-provisioning, the other keeps serving, the dead one fails only to connect, and the cut provisioning resumes without duplicates', async () => {
    const cookies = new Map(await Promise.all(SECOND_WAVE.map(async (u) => [u, await login(b, u)] as const)));
    // Slow CoCalc down so that provisioning is under way on both instances when A dies.
    emu.controls.set({ apiLatencyMs: 150 });
    let creations = 0;
    let killedMidCreation = false;
    killA = (path) => {
      if (!CREATING_CALLS.test(path) || ++creations !== 4) return;
      // CoCalc gets this call and carries it out; its answer reaches nobody.
      killedMidCreation = true;
      childA.kill('SIGKILL');
    };
    const dead = new Promise((r) => childA.once('exit', r));
    const requests = Array.from({ length: 120 }, (_, i) => ({ user: SECOND_WAVE[i % 30]!, instance: Math.floor(i / 30) % 2 === 0 ? 'A' : 'B' }));
    const outcomes = await Promise.all(requests.map(async (r) => ({ ...r, outcome: await visit(r.instance === 'A' ? a : b, cookies.get(r.user)!) })));
    await dead;
    killA = undefined;
    emu.controls.set({ apiLatencyMs: 0 });
    assert.ok(killedMidCreation, 'instance A was killed while CoCalc was carrying out one of its creations');

    const onB = outcomes.filter((o) => o.instance === 'B');
    assert.deepEqual(onB.filter((o) => o.outcome.kind !== 'token'), [], 'every request to B ends with a token');
    const onA = outcomes.filter((o) => o.instance === 'A');
    const aFailures = onA.filter((o) => o.outcome.kind !== 'token');
    assert.ok(aFailures.length > 0, 'some requests to A were cut off');
    assert.deepEqual(aFailures.filter((o) => o.outcome.kind !== 'connection'), [], 'requests to A fail only as connection errors');

    // What the element (or load balancer) does next: ask again, now reaching B.
    const retried = await Promise.all([...new Set(aFailures.map((o) => o.user))].map((u) => visit(b, cookies.get(u)!)));
    assert.deepEqual(retried.filter((o) => o.kind !== 'token'), [], 'the retries on B get their tokens');
    assertExactlyOnce(emuDir, SECOND_WAVE);
    assertExactlyOnce(emuDir, FIRST_WAVE);
    const ready = await fetch(`${b}/readyz`);
    assert.equal(ready.status, 200, 'B is still ready');
    await ready.body?.cancel();
  });
});
