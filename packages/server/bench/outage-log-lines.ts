/**
 * Log volume during an upstream outage: a backend (in-process, demo auth) whose CoCalc is down
 * (nothing listens on port 9) gets a burst of mints, 20 at a time, from one signed-in user with
 * the rate limits raised out of the way; prints JSON lines `{"metric","value","unit"}` with the
 * number of log lines (all, and warnings/errors) and bytes written for the burst.
 *
 *   tsx bench/outage-log-lines.ts        (BENCH_OUTAGE_REQUESTS, default 2000)
 */
import { startHarness } from '../src/test-support/harness.js';

const REQUESTS = Number(process.env.BENCH_OUTAGE_REQUESTS ?? 2000);
const metric = (name: string, value: number, unit: string) => process.stdout.write(`${JSON.stringify({ metric: name, value, unit })}\n`);

const h = await startHarness(
  { url: 'http://127.0.0.1:9', apiKey: 'sk-benchbenchbenchbench0123' },
  { COCALC_API: 'v1', COCALC_EMBED_RATE_USER_PER_MIN: '1000000', COCALC_EMBED_RATE_USER_BURST: '1000000', COCALC_EMBED_RATE_IP_PER_MIN: '1000000', COCALC_EMBED_RATE_IP_BURST: '1000000' },
);
const alice = await h.login('alice');
const before = h.logs.length;
const statuses = new Map<number, number>();
for (let sent = 0; sent < REQUESTS; sent += 20) {
  const answers = await Promise.all(Array.from({ length: Math.min(20, REQUESTS - sent) }, () => h.mint(alice, { path: 'a.ipynb' })));
  for (const res of answers) {
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    await res.arrayBuffer();
  }
}
await h.close();
const lines = h.logs.slice(before);
metric('outage_requests', REQUESTS, 'requests');
metric('outage_503_answers', statuses.get(503) ?? 0, 'requests');
metric('outage_log_lines', lines.length, 'lines');
metric('outage_log_warn_lines', lines.filter((l) => /"level":"(warn|error)"/.test(l)).length, 'lines');
metric('outage_log_bytes', lines.reduce((n, l) => n + l.length + 1, 0), 'bytes');
