import { expect } from '@open-wc/testing';
import { processMessage, type BridgeDeps } from './iframe-comm.js';
import { NO_CONTROLS, type KioskControls } from './kiosk-controls.js';
import { KioskState } from './kiosk-state.js';
import { ReplyControls } from './reply-channel.js';

// Unit tests of the bridge's decision logic with fake windows; the browser suite
// (kiosk-bridge.test.ts) checks the same behaviour through a real cross-origin iframe.

const PID = '0f0e5c3a-1111-4222-8333-944455556666';
const ORIGIN = 'https://learn.example.test';

interface Sent {
  message: Record<string, unknown>;
  targetOrigin: string;
}

function fakeSource(): { sent: Sent[]; postMessage(message: unknown, targetOrigin: string): void } {
  const sent: Sent[] = [];
  return { sent, postMessage: (message, targetOrigin) => void sent.push({ message: message as Record<string, unknown>, targetOrigin }) };
}

function deps(overrides: Partial<BridgeDeps> = {}, controls: KioskControls = NO_CONTROLS): BridgeDeps {
  const state = new KioskState();
  return {
    self: window,
    hosts: ['learn.example.test'],
    devHttpOrigins: [],
    state,
    replies: new ReplyControls(controls),
    openProject: async () => true,
    openFile: async (projectId, path) => state.open(projectId, path),
    ...overrides,
  };
}

describe('processMessage (CoCalc process_message)', () => {
  it('ignores messages whose source is this window', async () => {
    const d = deps();
    let called = false;
    const self = { postMessage: () => void (called = true) };
    await processMessage({ origin: ORIGIN, source: self, data: { action: 'status' } }, { ...d, self });
    expect(called).to.equal(false);
  });

  it('drops a blocked origin silently', async () => {
    const source = fakeSource();
    await processMessage({ origin: 'https://evil.example', source, data: { action: 'status' } }, deps());
    await processMessage({ origin: 'http://learn.example.test', source, data: null }, deps());
    expect(source.sent).to.deep.equal([]);
  });

  it('answers null data, non-objects and unknown actions with CoCalc\'s exact strings', async () => {
    const source = fakeSource();
    const d = deps();
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => void warnings.push(args[0]);
    try {
      for (const data of [null, undefined, "{'action': 'foo'}", 42, true, { action: 'foo-bar' }, {}, [], { action: 'OPEN' }]) {
        await processMessage({ origin: ORIGIN, source, data }, d);
      }
    } finally {
      console.warn = warn;
    }
    expect(source.sent.map((s) => s.message)).to.deep.equal([
      { status: 'error', mesg: 'There is no payload "data"' },
      { status: 'error', mesg: 'There is no payload "data"' },
      { status: 'error', mesg: 'The payload "data" must be an object' },
      { status: 'error', mesg: 'The payload "data" must be an object' },
      { status: 'error', mesg: 'The payload "data" must be an object' },
      { status: 'error', mesg: "Unknown action 'foo-bar'" },
      { status: 'error', mesg: "Unknown action 'undefined'" },
      { status: 'error', mesg: "Unknown action 'undefined'" },
      { status: 'error', mesg: "Unknown action 'OPEN'" },
    ]);
    expect(warnings).to.deep.equal(["Unknown action 'foo-bar'", "Unknown action 'undefined'", "Unknown action 'undefined'", "Unknown action 'OPEN'"]);
    expect(source.sent.every((s) => s.targetOrigin === ORIGIN)).to.equal(true);
  });

  it('validates open: project_id then path, without action fields', async () => {
    const source = fakeSource();
    const d = deps();
    const cases: unknown[] = [
      { action: 'open', project_id: 'foo-bar', path: 'a.ipynb' },
      { action: 'open', path: 'a.ipynb' },
      { action: 'open', project_id: PID.toUpperCase() + 'x', path: 'a' },
      { action: 'open', project_id: PID, path: { wrong: 'path' } },
      { action: 'open', project_id: PID },
      { action: 'open', project_id: PID, path: 7 },
    ];
    for (const data of cases) await processMessage({ origin: ORIGIN, source, data }, d);
    expect(source.sent.map((s) => s.message)).to.deep.equal([
      { status: 'error', mesg: "invalid project_id='foo-bar'" },
      { status: 'error', mesg: "invalid project_id='undefined'" },
      { status: 'error', mesg: `invalid project_id='${PID.toUpperCase()}x'` },
      { status: 'error', mesg: 'invalid path, it must be a string' },
      { status: 'error', mesg: 'invalid path, it must be a string' },
      { status: 'error', mesg: 'invalid path, it must be a string' },
    ]);
  });

  it('open: ack then done, echoing path and project_id but no request id', async () => {
    const source = fakeSource();
    const d = deps();
    await processMessage({ origin: ORIGIN, source, data: { action: 'open', project_id: PID, path: '', id: 'req-1' } }, d);
    expect(source.sent.map((s) => s.message)).to.deep.equal([
      { status: 'ack', action: 'open', path: '', project_id: PID },
      { status: 'done', action: 'open', path: '', project_id: PID },
    ]);
  });

  it('open: a missing project is "problem opening project", a failing open_file is an error with action', async () => {
    const source = fakeSource();
    await processMessage({ origin: ORIGIN, source, data: { action: 'open', project_id: PID, path: 'a' } }, deps({ openProject: async () => false }));
    await processMessage(
      { origin: ORIGIN, source, data: { action: 'open', project_id: PID, path: 'a' } },
      deps({ openFile: async () => Promise.reject(new Error('boom')) }),
    );
    expect(source.sent.map((s) => s.message)).to.deep.equal([
      { status: 'error', mesg: `problem opening project ${PID}` },
      { status: 'ack', action: 'open', path: 'a', project_id: PID },
      { status: 'error', action: 'open', path: 'a', project_id: PID, mesg: 'Error: boom' },
    ]);
  });

  it('status before any connection change: connecting, without status_time or ping', async () => {
    const source = fakeSource();
    await processMessage({ origin: ORIGIN, source, data: { action: 'status' } }, deps());
    expect(source.sent.map((s) => s.message)).to.deep.equal([{ status: 'done', connection: { quality: 'good', status: 'connecting' }, open_files: {} }]);
  });

  it('status reports a Date status_time and the open files; closeall empties them', async () => {
    const source = fakeSource();
    const d = deps();
    d.state.setConnection('connected');
    d.state.setPing(12);
    await processMessage({ origin: ORIGIN, source, data: { action: 'open', project_id: PID, path: 'x.md' } }, d);
    await processMessage({ origin: ORIGIN, source, data: { action: 'status' } }, d);
    await processMessage({ origin: ORIGIN, source, data: { action: 'closeall' } }, d);
    await processMessage({ origin: ORIGIN, source, data: { action: 'status' } }, d);
    const [, , status, closeall, after] = source.sent.map((s) => s.message);
    expect(status!.status).to.equal('done');
    const connection = status!.connection as Record<string, unknown>;
    expect(connection.quality).to.equal('good');
    expect(connection.status).to.equal('connected');
    expect(connection.status_time).to.be.instanceOf(Date);
    expect(connection.ping).to.equal(12);
    expect(status!.open_files).to.deep.equal({ [PID]: ['x.md'] });
    expect(closeall).to.deep.equal({ status: 'done', mesg: 'all files are closed' });
    expect(after!.open_files).to.deep.equal({});
  });

  it('admits an http origin only when listed as a dev origin, exactly', async () => {
    const source = fakeSource();
    await processMessage({ origin: 'http://localhost:8003', source, data: { action: 'status' } }, deps({ devHttpOrigins: ['http://localhost:8003'] }));
    await processMessage({ origin: 'http://localhost:8004', source, data: { action: 'status' } }, deps({ devHttpOrigins: ['http://localhost:8003'] }));
    expect(source.sent.length).to.equal(1);
    expect(source.sent[0]!.targetOrigin).to.equal('http://localhost:8003');
  });
});

describe('reply controls', () => {
  it('dropReplies swallows exactly the next N replies, across requests', async () => {
    const source = fakeSource();
    const remaining: number[] = [];
    const d = deps({ replies: new ReplyControls({ ...NO_CONTROLS, dropReplies: 2 }, (n) => void remaining.push(n)) });
    await processMessage({ origin: ORIGIN, source, data: { action: 'open', project_id: PID, path: 'a' } }, d);
    await processMessage({ origin: ORIGIN, source, data: { action: 'status' } }, d);
    expect(source.sent.map((s) => s.message.status)).to.deep.equal(['done']);
    expect(source.sent[0]!.message.connection).to.not.equal(undefined); // the status reply, not the open's done
    expect(remaining).to.deep.equal([1, 0]);
  });

  it('latencyMs delays replies but keeps ack before done', async () => {
    const source = fakeSource();
    const d = deps({ replies: new ReplyControls({ ...NO_CONTROLS, latencyMs: 150 }) });
    const t0 = performance.now();
    await processMessage({ origin: ORIGIN, source, data: { action: 'open', project_id: PID, path: 'a' } }, d);
    expect(source.sent).to.deep.equal([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(source.sent.map((s) => s.message.status)).to.deep.equal(['ack', 'done']);
    expect(performance.now() - t0).to.be.greaterThan(149);
  });

  it('afterAck returning true stops the open after ack (reloadMidRequest)', async () => {
    const source = fakeSource();
    let opened = false;
    const d = deps({ afterAck: () => true, openFile: async () => void (opened = true) });
    await processMessage({ origin: ORIGIN, source, data: { action: 'open', project_id: PID, path: 'a' } }, d);
    expect(source.sent.map((s) => s.message.status)).to.deep.equal(['ack']);
    expect(opened).to.equal(false);
  });
});
