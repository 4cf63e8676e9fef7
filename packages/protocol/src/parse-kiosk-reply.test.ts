import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseKioskReply } from './parse-kiosk-reply.js';
import { parseProjectLogMessage } from './project-log-message.js';

const PID = '9b1c2f4e-0a5d-4c3b-8e7f-1a2b3c4d5e6f';

describe('parseKioskReply', () => {
  it('accepts each of CoCalc\'s reply shapes', () => {
    assert.equal(parseKioskReply({ status: 'ack', action: 'open', path: 'a.ipynb', project_id: PID })?.status, 'ack');
    assert.equal(parseKioskReply({ status: 'done', action: 'open', path: 'a.ipynb', project_id: PID })?.status, 'done');
    const status = parseKioskReply({
      status: 'done',
      connection: { quality: 'good', status: 'connected', status_time: new Date(5), ping: 12 },
      open_files: { [PID]: ['a.ipynb'] },
    });
    assert.ok(status && 'connection' in status);
    assert.ok(status.connection.status_time instanceof Date);
    assert.deepEqual([...status.open_files[PID]!], ['a.ipynb']);
    assert.deepEqual({ ...parseKioskReply({ status: 'done', mesg: 'all files are closed' }) }, { status: 'done', mesg: 'all files are closed' });
    const err = parseKioskReply({ status: 'error', mesg: "Unknown action 'foo'" });
    assert.equal(err?.status, 'error');
  });

  it('rejects wrong shapes without throwing', () => {
    for (const bad of ['x', 1, null, undefined, [], {}, { status: 'weird' }, { status: 'ack' }, { status: 'done' },
      { status: 'error' }, { status: 'done', action: 'open', path: 1, project_id: PID }, new Map(), new Date(),
      { status: 'done', connection: { quality: 'good', status: 'connected' }, open_files: { notauuid: [] } }]) {
      assert.equal(parseKioskReply(bad), undefined, JSON.stringify(bad));
    }
  });

  it('drops oversized and over-deep messages', () => {
    assert.equal(parseKioskReply({ status: 'error', mesg: 'x'.repeat(1024 * 1024) }), undefined);
    let deep: Record<string, unknown> = { status: 'done', mesg: 'x' };
    for (let i = 0; i < 10_000; i++) deep = { nested: deep };
    assert.equal(parseKioskReply(deep), undefined);
    const wide: Record<string, unknown> = { status: 'done', mesg: 'x' };
    for (let i = 0; i < 100_000; i++) wide[`k${i}`] = i;
    assert.equal(parseKioskReply(wide), undefined);
  });

  it('never lets prototype-pollution keys through', () => {
    const reply = parseKioskReply(JSON.parse(`{"status":"done","connection":{"quality":"good","status":"connected"},"open_files":{"__proto__":{"polluted":1}}}`));
    assert.equal(reply, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('fuzz: 10,000 generated messages never throw, never pollute, and only valid shapes pass', () => {
    const anyValue = fc.anything({ withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true });
    const replyish = fc.record({
      status: fc.constantFrom('ack', 'done', 'error', 'weird'),
      action: fc.option(fc.constantFrom('open', 'status', '__proto__'), { nil: undefined }),
      path: fc.option(fc.oneof(fc.string(), anyValue), { nil: undefined }),
      project_id: fc.option(fc.oneof(fc.constant(PID), fc.uuid(), fc.string()), { nil: undefined }),
      mesg: fc.option(fc.oneof(fc.string(), anyValue), { nil: undefined }),
      connection: fc.option(anyValue, { nil: undefined }),
      open_files: fc.option(anyValue, { nil: undefined }),
      __proto__: fc.option(fc.object(), { nil: undefined }),
    }, { requiredKeys: ['status'] });
    fc.assert(
      fc.property(fc.oneof(anyValue, replyish), (data) => {
        const reply = parseKioskReply(data);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        if (reply) {
          assert.ok(['ack', 'done', 'error'].includes(reply.status));
          assert.equal(Object.getPrototypeOf(reply), null);
        }
        parseProjectLogMessage(data);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('parseProjectLogMessage', () => {
  it('reads the open entry and the load-time update CoCalc posts', () => {
    const open = parseProjectLogMessage({ source: 'cocalc-project-log', payload: { project_log: { id: 'e1', project_id: PID, time: new Date(), event: { event: 'open', action: 'open', filename: 'x.ipynb' } } } });
    assert.equal(open?.event.filename, 'x.ipynb');
    const update = parseProjectLogMessage({ source: 'cocalc-project-log', payload: { project_log: { id: 'e1', project_id: PID, event: { time: 1075 } } } });
    assert.equal(update?.event.time, 1075);
  });

  it('ignores other sources and malformed payloads', () => {
    assert.equal(parseProjectLogMessage({ source: 'other', payload: {} }), undefined);
    assert.equal(parseProjectLogMessage({ source: 'cocalc-project-log', payload: { project_log: { id: 'e1', project_id: 'nope', event: {} } } }), undefined);
  });
});
