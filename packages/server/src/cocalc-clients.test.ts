import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAuthToken } from '@cocalc-embed/protocol';
import type { RunningEmulator } from '@cocalc-embed/emulator';
import type { CocalcApi } from './cocalc-api.js';
import { CocalcModernClient } from './cocalc-modern-client.js';
import { CocalcV1Client } from './cocalc-v1-client.js';
import { detectApiGeneration } from './detect-api-generation.js';
import { startFakeCocalc } from './test-support/fake-cocalc.js';
import { redeemToken } from './test-support/redeem-token.js';
import { GENERATIONS, startTestEmulator } from './test-support/upstream.js';
import { UpstreamError } from './upstream-error.js';
import { UpstreamTransport } from './upstream-transport.js';

const transportFor = (url: string, apiKey: string, extra: Partial<ConstructorParameters<typeof UpstreamTransport>[0]> = {}) =>
  new UpstreamTransport({ cocalcUrl: url, apiKey, timeoutMs: 1500, ...extra });

const isKind = (kind: string) => (e: unknown) => e instanceof UpstreamError && e.kind === kind;

for (const generation of GENERATIONS) {
  describe(`CoCalc API client against the emulator (${generation})`, () => {
    let emu: RunningEmulator;
    let api: CocalcApi;
    before(async () => {
      emu = await startTestEmulator(generation);
      const t = transportFor(emu.url, emu.apiKey);
      api = generation === 'classic' ? new CocalcV1Client(t) : new CocalcModernClient(t);
    });
    after(() => emu.close());

    it(`is detected as ${generation === 'classic' ? 'v1' : 'modern'}`, async () => {
      assert.equal(await detectApiGeneration(transportFor(emu.url, emu.apiKey)), generation === 'classic' ? 'v1' : 'modern');
    });

    it('runs the whole provisioning flow: account, project, collaborator, write, copy, start, mint', async () => {
      const password = 'Pw-0123456789-abcdef';
      const accountId = await api.createAccount({ firstName: 'T', lastName: 'User', email: `t${Date.now()}@example.org`, password });
      const projectId = await api.createProject('p1');
      await api.addCollaborator(projectId, accountId);
      await api.writeTextFile(projectId, 'dir/a.txt', 'hello');
      assert.equal(await emu.admin.readFile(projectId, 'dir/a.txt'), 'hello');
      const other = await api.createProject('p2');
      await api.copyPath({ srcProjectId: projectId, srcPath: 'dir/a.txt', targetProjectId: other });
      assert.equal(await emu.admin.readFile(other, 'dir/a.txt'), 'hello');
      await api.startProject(projectId);
      const token = await api.mintAuthToken(accountId, '');
      assert.ok(isAuthToken(token));
      assert.equal(await redeemToken(emu.url, generation, token), accountId);
      const withPassword = await api.mintAuthToken(accountId, password);
      assert.equal(await redeemToken(emu.url, generation, withPassword), accountId);
    });

    it('turns CoCalc refusals into semantic errors (unknown account, missing file)', async () => {
      await assert.rejects(api.mintAuthToken('11111111-1111-4111-8111-111111111111', ''), isKind('semantic'));
      const projectId = await api.createProject('p3');
      const other = await api.createProject('p4');
      await assert.rejects(api.copyPath({ srcProjectId: projectId, srcPath: 'nope.txt', targetProjectId: other }), isKind('semantic'));
    });

    it('reports a wrong API key as a semantic error, never as another API generation', async () => {
      const bad = transportFor(emu.url, `sk-${'x'.repeat(24)}`);
      const client = generation === 'classic' ? new CocalcV1Client(bad) : new CocalcModernClient(bad);
      await assert.rejects(client.createProject('x'), isKind('semantic'));
      await assert.rejects(detectApiGeneration(bad), (e: unknown) => e instanceof UpstreamError && e.kind !== 'network');
    });

    it('classifies the emulator upstream modes', async () => {
      const t = transportFor(emu.url, emu.apiKey, { timeoutMs: 500 });
      const client = generation === 'classic' ? new CocalcV1Client(t) : new CocalcModernClient(t);
      const expect: Array<[string, string]> = [['500', 'http'], ['html', 'http'], ['slow', 'timeout'], ['reset', 'network']];
      try {
        for (const [mode, kind] of expect) {
          emu.controls.set({ upstream: mode });
          await assert.rejects(client.createProject('x'), isKind(kind), mode);
        }
      } finally {
        emu.controls.set({ upstream: 'ok' });
      }
    });
  });
}

describe('CoCalc v1 client wire format (fake CoCalc records what it receives)', () => {
  it('sends event and a uuid id on every call, key as HTTP Basic user by default', async () => {
    const fake = await startFakeCocalc({ generation: 'classic' });
    try {
      const client = new CocalcV1Client(transportFor(fake.url, fake.apiKey));
      await client.ping();
      const accountId = await client.createAccount({ firstName: 'a', lastName: 'b', email: 'a@b.org', password: 'pppppppppp' });
      await client.userAuth(accountId, '');
      for (const call of fake.calls) {
        assert.equal(call.body.event, call.path.slice('/api/v1/'.length));
        assert.match(String(call.body.id), /^[0-9a-f-]{36}$/);
        assert.equal(call.authorization, `Basic ${Buffer.from(`${fake.apiKey}:`).toString('base64')}`);
        assert.match(call.contentType ?? '', /application\/json/);
      }
    } finally {
      await fake.close();
    }
  });

  it('can send the key as Bearer and flat bodies form-encoded (lists and booleans stay JSON)', async () => {
    const fake = await startFakeCocalc({ generation: 'classic' });
    try {
      const client = new CocalcV1Client(transportFor(fake.url, fake.apiKey, { auth: 'bearer' }), { form: true });
      const projectId = await client.createProject('t'); // has booleans → JSON
      await client.writeTextFile(projectId, 'a.txt', 'x&y=z');
      await client.projectExec(projectId, 'true'); // has a list → JSON
      const [create, write, exec] = fake.calls;
      assert.equal(write!.authorization, `Bearer ${fake.apiKey}`);
      assert.match(create!.contentType ?? '', /json/);
      assert.match(write!.contentType ?? '', /x-www-form-urlencoded/);
      assert.equal(fake.state.projects.get(projectId)!.files.get('a.txt'), 'x&y=z');
      assert.match(exec!.contentType ?? '', /json/);
    } finally {
      await fake.close();
    }
  });

  it('rejects HTTP 200 {event:"error"}, malformed tokens and non-JSON 200 bodies', async () => {
    const fake = await startFakeCocalc({ generation: 'classic' });
    try {
      const client = new CocalcV1Client(transportFor(fake.url, fake.apiKey));
      const accountId = await client.createAccount({ firstName: 'a', lastName: 'b', email: 'a@b.org', password: 'pppppppppp' });
      fake.mode = 'error200';
      await assert.rejects(client.userAuth(accountId, ''), (e: unknown) => isKind('semantic')(e) && !(e as Error).message.includes(fake.apiKey));
      fake.mode = 'badtoken';
      await assert.rejects(client.userAuth(accountId, ''), isKind('invalid'));
    } finally {
      await fake.close();
    }
    const html = transportFor('http://127.0.0.1:9', `sk-${'y'.repeat(24)}`, {
      fetch: async () => new Response('<html>ok</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
    });
    await assert.rejects(new CocalcV1Client(html).ping(), isKind('invalid'));
  });
});
