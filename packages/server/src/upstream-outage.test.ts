import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseApiErrorBody } from '@cocalc-embed/protocol';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { startHarness } from './test-support/harness.js';

type Line = { level: string; msg: string; refused?: number };
const parse = (logs: string[]): Line[] => logs.map((l) => JSON.parse(l) as Line);

describe('logging during an upstream outage', () => {
  let fake: FakeCocalc;
  before(async () => {
    fake = await startFakeCocalc({ generation: 'classic' });
  });
  after(() => fake.close());

  it('logs the breaker opening and a count of refusals, not one line per refused request, and accounts for every refusal', async () => {
    // CoCalc is down: nothing listens on port 9.
    const h = await startHarness({ url: 'http://127.0.0.1:9', apiKey: fake.apiKey }, {
      COCALC_API: 'v1',
      COCALC_BREAKER_THRESHOLD: '3',
      COCALC_BREAKER_COOLDOWN_MS: '60000',
      COCALC_EMBED_RATE_USER_BURST: '1000',
    });
    const burst = 300;
    let unavailable = 0;
    try {
      const alice = await h.login('alice');
      for (let i = 0; i < burst; i += 10) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => h.mint(alice, { path: 'a.ipynb' })));
        for (const res of answers) {
          assert.equal(res.status, 503);
          if (parseApiErrorBody(await res.json())?.code === 'UPSTREAM_UNAVAILABLE') unavailable += 1;
        }
      }
      const during = parse(h.logs).filter((l) => l.level === 'warn' || l.level === 'error');
      assert.ok(during.length < 20, `${during.length} warning lines for ${burst} refused requests`);
      assert.equal(during.filter((l) => /circuit breaker open/.test(l.msg)).length, 1, 'the state change is logged once');
    } finally {
      await h.close();
    }
    assert.equal(unavailable, burst);
    const lines = parse(h.logs);
    const failures = lines.filter((l) => l.msg === 'upstream failure').length;
    const summarised = lines.filter((l) => l.msg === 'requests refused while CoCalc is unavailable').reduce((n, l) => n + (l.refused ?? 0), 0);
    assert.equal(failures + summarised, burst, 'each refusal is either logged or counted in a summary, exactly once');
  });

  it('recovers within the short first cool-down once CoCalc answers again, and logs open and closed', async () => {
    const h = await startHarness(fake, { COCALC_API: 'v1', COCALC_BREAKER_THRESHOLD: '2' }); // default cool-downs
    try {
      const alice = await h.login('alice');
      assert.equal((await h.mint(alice, { path: 'a.ipynb' })).status, 200);
      fake.mode = '500';
      for (let i = 0; i < 2; i += 1) assert.equal((await h.mint(alice, { path: 'a.ipynb' })).status, 502);
      const open = await h.mint(alice, { path: 'a.ipynb' });
      assert.equal(open.status, 503, 'the breaker is open');
      assert.ok(Number(open.headers.get('retry-after')) <= 2, `Retry-After ${open.headers.get('retry-after')} s: the first cool-down is short`);
      fake.mode = 'ok';
      await new Promise((r) => setTimeout(r, 2_100));
      assert.equal((await h.mint(alice, { path: 'a.ipynb' })).status, 200, 'the probe after the first cool-down goes through');
      const messages = parse(h.logs).map((l) => l.msg);
      assert.ok(messages.some((m) => /circuit breaker open/.test(m)));
      assert.ok(messages.some((m) => /circuit breaker closed/.test(m)));
    } finally {
      fake.mode = 'ok';
      await h.close();
    }
  });
});
