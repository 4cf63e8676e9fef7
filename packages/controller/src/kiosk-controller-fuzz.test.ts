// Property-based fuzz of reply handling: ≥ 10,000 generated messages per run, dispatched as
// MessageEvents with the kiosk's source and origin while calls are in flight. Properties: nothing
// throws, no prototype is polluted, and a call only ever settles on a reply of the right shape
// that names the right file (checked by an oracle written independently of the controller).
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { KioskController } from './index.js';
import { flush, removeFrames, sleep, statusReply } from './test-support/helpers.js';
import { SyntheticKiosk } from './test-support/synthetic-kiosk.js';

const ORIGIN = 'http://kiosk.example.test';
const PID = '6f1c2f5e-8d1a-4a3b-9c2d-0e1f2a3b4c5d';
const OTHER = 'a0000000-0000-4000-8000-000000000001';
const RUNS = Number(new URLSearchParams(location.search).get('fuzzRuns') ?? 20);
const MESSAGES_PER_RUN = 520; // 20 × 520 = 10,400 messages

type Kind = 'status' | 'closeall' | 'open';

const field = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const replyLike = fc.record(
  {
    status: fc.oneof(fc.constantFrom('done', 'ack', 'error'), fc.anything({ maxDepth: 2, maxKeys: 4 })),
    action: field(fc.oneof(fc.constant('open'), fc.anything({ maxDepth: 2, maxKeys: 4 }))),
    path: field(fc.oneof(fc.constantFrom('a.md', 'b.md', 'A.md', ''), fc.anything({ maxDepth: 2, maxKeys: 4 }))),
    project_id: field(fc.oneof(fc.constantFrom(PID, PID.toUpperCase(), OTHER, 'foo'), fc.anything({ maxDepth: 2, maxKeys: 4 }))),
    mesg: field(fc.oneof(fc.string(), fc.anything({ maxDepth: 2, maxKeys: 4 }))),
    connection: field(
      fc.oneof(
        fc.record({ quality: fc.string(), status: fc.string(), status_time: field(fc.date()), ping: field(fc.double()) }),
        fc.anything({ maxDepth: 2, maxKeys: 4 }),
      ),
    ),
    open_files: field(fc.oneof(fc.dictionary(fc.constantFrom(PID, OTHER, '__proto__'), fc.array(fc.string())), fc.anything({ maxDepth: 2, maxKeys: 4 }))),
  },
  { requiredKeys: [] },
);
const polluting = fc.constantFrom(
  '{"__proto__":{"polluted":1},"status":"done","mesg":"x"}',
  '{"constructor":{"prototype":{"polluted":1}},"status":"done","connection":{"quality":"a","status":"b"}}',
  `{"status":"done","connection":{"quality":"a","status":"b","__proto__":{"polluted":1}},"open_files":{"__proto__":["x"]}}`,
  `{"status":"done","action":"open","path":"a.md","project_id":"${PID}","__proto__":{"status":"error"}}`,
).map((json) => JSON.parse(json) as unknown);
const message = fc.oneof({ weight: 5, arbitrary: replyLike }, { weight: 3, arbitrary: fc.anything({ maxDepth: 2, maxKeys: 4 }) }, { weight: 1, arbitrary: polluting });

/** Independent oracle: may `data` settle a call of `kind` (for `open`, of a.md in PID)? */
function mayResolve(kind: Kind, data: unknown, acked: boolean): 'resolve' | 'reject' | 'ack' | 'no' {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || (Object.getPrototypeOf(data) !== Object.prototype && Object.getPrototypeOf(data) !== null)) return 'no';
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(data, k) ? (data as Record<string, unknown>)[k] : undefined);
  const status = own('status');
  const action = own('action');
  if (kind === 'status') {
    const c = own('connection');
    return status === 'done' && action === undefined && c !== null && typeof c === 'object' ? 'resolve' : 'no';
  }
  if (kind === 'closeall') {
    if (status === 'done' && action === undefined && typeof own('mesg') === 'string' && own('connection') === undefined && own('open_files') === undefined) return 'resolve';
    if (status === 'error' && action === undefined && typeof own('mesg') === 'string') return 'reject';
    return 'no';
  }
  if (status === 'error' && action === undefined && typeof own('mesg') === 'string' && !acked) return 'reject';
  const pid = own('project_id');
  if (action !== 'open' || own('path') !== 'a.md' || typeof pid !== 'string' || pid.toLowerCase() !== PID) return 'no';
  if (status === 'ack') return acked ? 'no' : 'ack';
  if (status === 'done') return 'resolve';
  if (status === 'error' && typeof own('mesg') === 'string') return 'reject';
  return 'no';
}

describe('KioskController reply handling (fast-check fuzz)', () => {
  afterEach(() => removeFrames());

  it(`never throws, never pollutes, never settles a call on a wrong reply (${RUNS * MESSAGES_PER_RUN} messages)`, async function () {
    this.timeout(120_000);
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort().join();
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.error ?? e.message);
    window.addEventListener('error', onError);
    let total = 0;
    let settledCalls = 0;
    try {
      const result = await fc.check(
        fc.asyncProperty(fc.array(message, { minLength: MESSAGES_PER_RUN, maxLength: MESSAGES_PER_RUN }), fc.array(fc.constantFrom<Kind>('status', 'closeall', 'open'), { minLength: 1, maxLength: 50 }), async (messages, kinds) => {
          const kiosk = new SyntheticKiosk(ORIGIN);
          const controller = KioskController.connect(kiosk.iframe, { origin: ORIGIN, requestTimeout: 600_000, openTimeout: 600_000, openAckTimeout: 600_000 });
          try {
            kiosk.reply(statusReply());
            await controller.ready;
            await sleep(45); // probe answers settle
            let index = 0;
            let kind: Kind = kinds[0]!;
            let acked = false;
            const st: { outcome: 'pending' | 'resolved' | 'rejected' } = { outcome: 'pending' };
            const start = () => {
              kind = kinds[index++ % kinds.length]!;
              acked = false;
              st.outcome = 'pending';
              const call = kind === 'status' ? controller.status() : kind === 'closeall' ? controller.closeAll() : controller.open('a.md', { projectId: PID, onAck: () => (acked = true) });
              call.then(
                () => (st.outcome = 'resolved'),
                (e: { code?: string }) => {
                  if (e.code !== 'REMOTE_ERROR' && e.code !== 'DESTROYED') throw new Error(`unexpected rejection ${e.code}`);
                  st.outcome = 'rejected';
                },
              );
            };
            start();
            await flush();
            for (const data of messages) {
              const wasAcked = acked;
              const expected = mayResolve(kind, data, wasAcked);
              kiosk.reply(data);
              await flush();
              total++;
              if (st.outcome !== 'pending') settledCalls++;
              if (st.outcome === 'resolved') {
                expect(expected, `${kind} resolved by ${safe(data)}`).to.equal('resolve');
                start();
                await flush();
              } else if (st.outcome === 'rejected') {
                expect(expected, `${kind} rejected by ${safe(data)}`).to.equal('reject');
                start();
                await flush();
              } else if (acked && !wasAcked) {
                expect(expected, `ack by ${safe(data)}`).to.equal('ack');
              }
              expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
            }
            expect(controller.state).to.equal('ready');
          } finally {
            controller.destroy();
            kiosk.iframe.remove();
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      // fast-check's report prints the whole 500-message counterexample; keep the assertion text.
      if (result.failed) throw new Error(`fuzz failed (seed ${result.seed}): ${String((result.errorInstance as Error)?.message ?? result.errorInstance).slice(0, 2000)}`);
    } finally {
      window.removeEventListener('error', onError);
    }
    expect(total).to.be.at.least(RUNS * MESSAGES_PER_RUN);
    expect(settledCalls, 'some generated replies were valid and settled calls').to.be.greaterThan(RUNS);
    expect(errors).to.deep.equal([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort().join()).to.equal(protoKeys);
    expect(Object.getOwnPropertyNames(Array.prototype).includes('polluted')).to.equal(false);
  });
});

function safe(data: unknown): string {
  try {
    return JSON.stringify(data)?.slice(0, 300) ?? String(data);
  } catch {
    return Object.prototype.toString.call(data);
  }
}
