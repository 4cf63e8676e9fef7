// The controller's pure building blocks: token bucket, probe schedule, bounded queue, redaction,
// document generations.
import { expect } from '@open-wc/testing';
import { KIOSK_ACTIONS } from '@cocalc-embed/protocol';
import { redactSecrets } from './debug-log.js';
import { DocumentGenerations } from './document-generations.js';
import { ACTIONS } from './kiosk-actions.js';
import { ProbeSchedule } from './probe-schedule.js';
import { RateLimiter } from './rate-limiter.js';
import { RequestQueue } from './request-queue.js';

describe('RateLimiter (token bucket)', () => {
  it('allows the burst, then refills at the rate, never beyond the burst', () => {
    let now = 0;
    const limiter = new RateLimiter(50, 100, () => now);
    let allowed = 0;
    for (let i = 0; i < 1_000; i++) if (limiter.tryTake()) allowed++;
    expect(allowed).to.equal(100);
    now += 1_000;
    allowed = 0;
    for (let i = 0; i < 1_000; i++) if (limiter.tryTake()) allowed++;
    expect(allowed).to.equal(50);
    // A long quiet period refills the bucket to the burst, not to rate × time.
    now += 60_000;
    allowed = 0;
    for (let i = 0; i < 1_000; i++) if (limiter.tryTake()) allowed++;
    expect(allowed).to.equal(100);
  });
});

describe('ProbeSchedule', () => {
  it('bursts at a fixed interval, then backs off by the factor up to maxDelay, and restarts on reset', () => {
    const schedule = new ProbeSchedule({ burstInterval: 10, burstDuration: 30, initialDelay: 50, factor: 2, maxDelay: 300 });
    const delays = Array.from({ length: 9 }, () => schedule.next());
    expect(delays).to.deep.equal([10, 10, 10, 50, 100, 200, 300, 300, 300]);
    schedule.reset();
    expect(schedule.next()).to.equal(10);
  });

  it('refuses nonsense settings', () => {
    expect(() => new ProbeSchedule({ factor: 0.5 })).to.throw(RangeError);
    expect(() => new ProbeSchedule({ initialDelay: 2_000, maxDelay: 1_000 })).to.throw(RangeError);
  });
});

describe('RequestQueue', () => {
  it('bounds user items, lets internal follow-ups in front, removes and drains', () => {
    const queue = new RequestQueue<string>(2);
    expect(queue.push('a')).to.equal(true);
    expect(queue.push('b')).to.equal(true);
    expect(queue.push('c')).to.equal(false);
    queue.pushFront(['x', 'y']); // follow-ups do not count against the bound
    expect(queue.push('c')).to.equal(false);
    expect(queue.remove('b')).to.equal(true);
    expect(queue.push('c')).to.equal(true);
    expect(queue.shift()).to.equal('x');
    expect(queue.drain()).to.deep.equal(['y', 'a', 'c']);
    // Drained, the bound is free again.
    expect(queue.push('d')).to.equal(true);
    expect(queue.push('e')).to.equal(true);
    expect(queue.push('f')).to.equal(false);
  });
});

describe('redactSecrets', () => {
  it('hides auth tokens in URLs and JSON', () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUvWx';
    const text = redactSecrets(`http://k/app?auth_token=${token}&fullscreen=kiosk {"auth_token":"${token}"}`);
    expect(text).to.not.contain(token);
    expect(text).to.contain('fullscreen=kiosk');
  });
});

describe('ACTIONS', () => {
  it("describes exactly the protocol's KIOSK_ACTIONS, each with a request of its own name", () => {
    expect(Object.keys(ACTIONS).sort()).to.deep.equal([...KIOSK_ACTIONS].sort());
    for (const kind of KIOSK_ACTIONS) {
      const call = { kind, projectId: '00000000-0000-4000-8000-000000000000', path: 'a.md' } as Parameters<(typeof ACTIONS)[typeof kind]['request']>[0];
      expect(ACTIONS[kind].request(call).action).to.equal(kind);
    }
  });
});

describe('DocumentGenerations', () => {
  it('the late load of the document that answered before its load is the same generation; the next load is a new one', () => {
    const documents = new DocumentGenerations(false); // connected while the frame was still loading
    expect(documents.answered()).to.equal(true); // answered before its load
    expect(documents.load(true, true)).to.equal(false); // its own late load
    expect(documents.current).to.equal(1);
    expect(documents.answered()).to.equal(false); // a re-probe of the same, loaded document
    expect(documents.load(true, true)).to.equal(true); // a reload
    expect(documents.current).to.equal(2);
  });

  it('a load while not ready, or of a document that is not the kiosk, always starts a new generation', () => {
    const documents = new DocumentGenerations(false);
    expect(documents.load(false, true)).to.equal(true); // a sign-in reload before the first ready
    expect(documents.answered()).to.equal(false); // that document had loaded already
    const loaded = new DocumentGenerations(false);
    loaded.answered();
    expect(loaded.load(true, false)).to.equal(true); // navigated away from the kiosk: not its late load
    expect(loaded.current).to.equal(2);
    expect(loaded.answered()).to.equal(true); // the new document (a kiosk again) has not loaded yet
  });
});
