import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '@cocalc-embed/emulator';
import type { CocalcApi } from './cocalc-api.js';
import { CocalcModernClient } from './cocalc-modern-client.js';
import { CocalcV1Client } from './cocalc-v1-client.js';
import { GENERATIONS, startTestEmulator } from './test-support/upstream.js';
import { UpstreamError } from './upstream-error.js';
import { UpstreamTransport } from './upstream-transport.js';

for (const generation of GENERATIONS) {
  describe(`CoCalc API client lookups against the emulator (${generation})`, () => {
    let emu: RunningEmulator;
    let api: CocalcApi;
    before(async () => {
      emu = await startTestEmulator(generation);
      const t = new UpstreamTransport({ cocalcUrl: emu.url, apiKey: emu.apiKey, timeoutMs: 1500 });
      api = generation === 'classic' ? new CocalcV1Client(t) : new CocalcModernClient(t);
    });
    after(() => emu.close());

    it('creating an account again with the same e-mail and password answers the same account', async () => {
      const account = { firstName: 'Embed', lastName: 'again', email: 'again-1a2b3c@users.cocalc-embed.invalid', password: 'Gx7-long-random-password-0123' };
      const first = await api.createAccount(account);
      assert.equal(await api.createAccount(account), first);
    });

    it('an address taken by an account with another password is still refused', async () => {
      const email = 'taken-4d5e6f@users.cocalc-embed.invalid';
      await api.createAccount({ firstName: 'A', lastName: 'B', email, password: 'first-password-0123456789' });
      if (generation === 'classic') {
        // v1 cannot check the password, so the address's account is named: our addresses are our own.
        assert.match(await api.createAccount({ firstName: 'A', lastName: 'B', email, password: 'other-password-0123456789' }), /^[0-9a-f-]{36}$/);
      } else {
        await assert.rejects(
          api.createAccount({ firstName: 'A', lastName: 'B', email, password: 'other-password-0123456789' }),
          (e: unknown) => e instanceof UpstreamError && e.kind === 'semantic',
        );
      }
    });

    it('lists the key owner\'s projects by title, and signs in as a user to list and stop that user\'s', async () => {
      const projectId = await api.createProject('lookup-title [abc123]');
      assert.equal((await api.listProjects({ limit: 10 })).find((p) => p.title === 'lookup-title [abc123]')?.projectId, projectId);
      const email = 'owner-778899@users.cocalc-embed.invalid';
      const password = 'owner-password-0123456789';
      const accountId = await api.createAccount({ firstName: 'O', lastName: 'W', email, password });
      // A current CoCalc's sign-up makes and starts the account's "My First Project" (the emulator's
      // v1 account creation does not, so the test makes it there); only its owner may stop it.
      if (generation === 'classic') {
        await emu.admin.startProject((await emu.admin.createProject({ ownerAccountId: accountId, title: 'My First Project' })).projectId);
      }
      const session = await api.signIn(email, password);
      assert.match(session.cookie, /remember_me=/);
      const own = await api.listProjects({ session });
      assert.deepEqual(own.map((p) => p.title), ['My First Project']);
      await api.stopProject(own[0]!.projectId, session);
      await assert.rejects(api.signIn(email, 'wrong-password-0123456'), (e: unknown) => e instanceof UpstreamError && e.kind === 'semantic');
    });
  });
}
