/**
 * The benchmark's fake CoCalc in a process of its own, so that its timers and sockets do not run
 * on the load generator's event loop: the latency autocannon measures is then the backend's, not
 * the bench process's own lag. Driven over the IPC channel: {latencyMs} sets the answer delay,
 * {firstAccount: true} asks for an account id (for the bare baseline). Prints one JSON line
 * {url, apiKey} once listening.
 */
import { startFakeCocalc } from '../src/test-support/fake-cocalc.js';

const fake = await startFakeCocalc({ generation: 'classic' });
fake.calls.push = () => 0; // keep no call log: a 10 s load phase would otherwise grow it without bound
process.on('message', (message: { latencyMs?: number; firstAccount?: boolean }) => {
  if (typeof message.latencyMs === 'number') fake.latencyMs = message.latencyMs;
  if (message.firstAccount) process.send!({ accountId: [...fake.state.accounts.keys()][0] ?? null });
  else process.send!({ ok: true });
});
process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ url: fake.url, apiKey: fake.apiKey })}\n`);
