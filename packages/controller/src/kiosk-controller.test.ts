// Reply handling, queueing, timeouts and aborts, driven deterministically through SyntheticKiosk
// (a spied same-origin window + MessageEvents with the right source and origin).
import { expect } from '@open-wc/testing';
import { KioskController } from './index.js';
import { flush, rejectsWith, removeFrames, sleep, statusReply, track } from './test-support/helpers.js';
import { SyntheticKiosk } from './test-support/synthetic-kiosk.js';

const ORIGIN = 'http://kiosk.example.test:5180';
const PID = '6f1c2f5e-8d1a-4a3b-9c2d-0e1f2a3b4c5d';
const OTHER_PID = 'a0000000-0000-4000-8000-000000000001';

function setup(options: Partial<Parameters<typeof KioskController.connect>[1]> = {}) {
  const kiosk = new SyntheticKiosk(ORIGIN);
  const controller = KioskController.connect(kiosk.iframe, { origin: ORIGIN, ...options });
  return { kiosk, controller };
}

async function readyPair(options: Partial<Parameters<typeof KioskController.connect>[1]> = {}) {
  const pair = setup(options);
  pair.kiosk.reply(statusReply());
  await pair.controller.ready;
  await flush();
  pair.kiosk.posted.length = 0;
  return pair;
}

const ack = (path: string, project_id = PID) => ({ status: 'ack', action: 'open', path, project_id });
const done = (path: string, project_id = PID) => ({ status: 'done', action: 'open', path, project_id });

describe('KioskController (synthetic kiosk)', () => {
  const controllers: KioskController[] = [];
  afterEach(() => {
    for (const c of controllers.splice(0)) c.destroy();
    removeFrames();
  });
  const keep = <T extends { controller: KioskController }>(pair: T): T => {
    controllers.push(pair.controller);
    return pair;
  };

  describe('readiness', () => {
    it('probes with status at once, posting only to the exact kiosk origin', () => {
      const { kiosk } = keep(setup());
      expect(kiosk.requests('status').length).to.be.greaterThan(0);
      for (const p of kiosk.posted) expect(p.targetOrigin).to.equal(ORIGIN);
    });

    it('keeps probing, fast at first, until the first valid status reply makes it ready', async () => {
      const { kiosk, controller } = keep(setup());
      const states: string[] = [];
      controller.addEventListener('state-change', (e) => states.push(`${e.previous}->${e.state}`));
      await sleep(120);
      const probes = kiosk.requests('status').length;
      expect(probes).to.be.greaterThan(5);
      expect(controller.state).to.equal('connecting');
      kiosk.reply({ status: 'done', mesg: 'all files are closed' }); // not status-shaped: not a ready signal
      await flush();
      expect(controller.state).to.equal('connecting');
      kiosk.reply(statusReply());
      await controller.ready;
      expect(controller.state).to.equal('ready');
      expect(states).to.deep.equal(['connecting->ready']);
      const after = kiosk.requests('status').length;
      await sleep(60);
      expect(kiosk.requests('status').length).to.equal(after, 'probing stops once ready');
    });

    it('backs off after the burst phase', async () => {
      const { kiosk } = keep(setup({ probe: { burstInterval: 0, initialDelay: 20, factor: 2, maxDelay: 80 } }));
      await sleep(400);
      const count = kiosk.requests('status').length;
      // 0, 20, 60, 140, 220, 300, 380 => about 7 probes; a fixed 20 ms interval would give 20.
      expect(count).to.be.within(5, 9);
    });

    it('calls made before ready wait and are sent only after ready, in order', async () => {
      const { kiosk, controller } = keep(setup());
      const opened = controller.open('a.md', { projectId: PID });
      const status = controller.status();
      await sleep(30);
      expect(kiosk.requests('open')).to.have.length(0);
      kiosk.reply(statusReply());
      await sleep(60); // other probes may still be answered: the controller lets them settle first
      expect(kiosk.requests('open')).to.deep.equal([{ action: 'open', project_id: PID, path: 'a.md' }]);
      kiosk.reply(done('a.md'));
      expect(await opened).to.deep.equal({ projectId: PID, path: 'a.md' });
      await flush();
      kiosk.reply(statusReply(42));
      expect((await status).connection.ping).to.equal(42);
    });

    it('never-ready kiosk: READY_TIMEOUT for ready, queued calls and an error event; state failed; reconnect probes again', async () => {
      const { kiosk, controller } = keep(setup({ readyTimeout: 150 }));
      const errors: string[] = [];
      controller.addEventListener('error', (e) => errors.push(e.error.code));
      const queued = controller.status();
      await rejectsWith(controller.ready, 'READY_TIMEOUT');
      const error = await rejectsWith(queued, 'READY_TIMEOUT');
      expect(error.retryable).to.equal(true);
      expect(controller.state).to.equal('failed');
      expect(errors).to.deep.equal(['READY_TIMEOUT']);
      await rejectsWith(controller.status(), 'NOT_READY');
      const before = kiosk.requests('status').length;
      await sleep(50);
      expect(kiosk.requests('status').length).to.equal(before, 'no probes while failed');
      controller.reconnect();
      expect(controller.state).to.equal('connecting');
      kiosk.reply(statusReply());
      await controller.ready;
      expect(controller.state).to.equal('ready');
    });

    it('settles extra probe answers before sending user calls, so replies do not shift by one', async () => {
      const { kiosk, controller } = keep(setup());
      await sleep(40); // several probes outstanding
      const first = controller.status();
      const second = controller.status();
      // The kiosk answers three queued probes at once.
      kiosk.reply(statusReply(1));
      kiosk.reply(statusReply(2));
      kiosk.reply(statusReply(3));
      await sleep(80);
      expect(kiosk.requests('status').length).to.be.greaterThan(3);
      kiosk.reply(statusReply(100));
      expect((await first).connection.ping).to.equal(100);
      await flush();
      kiosk.reply(statusReply(200));
      expect((await second).connection.ping).to.equal(200);
    });

    it('a call made synchronously inside the ready listener also waits for late probe answers', async () => {
      const { kiosk, controller } = keep(setup());
      await sleep(40); // several probes outstanding
      let fromListener: Promise<{ connection: { ping: number | undefined } }> | undefined;
      controller.addEventListener('ready', () => {
        fromListener = controller.status();
      });
      kiosk.reply(statusReply(1)); // ready
      await flush();
      const sentAtReady = kiosk.requests('status').length;
      kiosk.reply(statusReply(2)); // late answers to earlier probes, not to the listener's call
      kiosk.reply(statusReply(3));
      await sleep(80);
      expect(kiosk.requests('status').length).to.equal(sentAtReady + 1, 'the listener\'s status is sent after the settle pause');
      kiosk.reply(statusReply(100));
      expect((await fromListener!).connection.ping).to.equal(100);
    });
  });

  describe('one request in flight, matched by order and shape', () => {
    it('sends the next request only after the previous one settled', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const a = track(controller.open('a.md', { projectId: PID }));
      const s = track(controller.status());
      const c = track(controller.closeAll());
      await flush();
      expect(kiosk.posted.map((p) => (p.data as { action: string }).action)).to.deep.equal(['open']);
      kiosk.reply(ack('a.md'));
      await flush();
      expect(kiosk.posted).to.have.length(1);
      kiosk.reply(done('a.md'));
      await flush();
      expect(a.settled && !a.error).to.equal(true);
      expect(kiosk.posted.map((p) => (p.data as { action: string }).action)).to.deep.equal(['open', 'status']);
      kiosk.reply({ status: 'done', mesg: 'all files are closed' }); // wrong shape for status
      await flush();
      expect(s.settled).to.equal(false);
      kiosk.reply(statusReply());
      await flush();
      expect(s.settled).to.equal(true);
      kiosk.reply({ status: 'done', mesg: 'all files are closed' });
      await flush();
      expect(c.settled && !c.error).to.equal(true);
    });

    it('open: ack is progress (onAck, file-open), done resolves (file-opened) and joins desiredFiles', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const events: string[] = [];
      controller.addEventListener('file-open', (e) => events.push(`open:${e.projectId}:${e.path}`));
      controller.addEventListener('file-opened', (e) => events.push(`opened:${e.path}`));
      const acks: string[] = [];
      const result = controller.open('dir/x.ipynb', { projectId: PID.toUpperCase(), onAck: (i) => acks.push(i.path) });
      await flush();
      expect(kiosk.requests('open')).to.deep.equal([{ action: 'open', project_id: PID, path: 'dir/x.ipynb' }]);
      kiosk.reply(ack('dir/x.ipynb', PID.toUpperCase()));
      kiosk.reply(done('dir/x.ipynb'));
      expect(await result).to.deep.equal({ projectId: PID, path: 'dir/x.ipynb' });
      expect(acks).to.deep.equal(['dir/x.ipynb']);
      expect(events).to.deep.equal([`open:${PID}:dir/x.ipynb`, 'opened:dir/x.ipynb']);
      expect(controller.desiredFiles).to.deep.equal([{ projectId: PID, path: 'dir/x.ipynb' }]);
    });

    it('open: done without a prior ack still resolves, with the file, and the file stays desired', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const opened: string[] = [];
      controller.addEventListener('file-opened', (e) => opened.push(e.path));
      const result = controller.open('a.md', { projectId: PID });
      await flush();
      kiosk.reply(done('a.md'));
      expect(await result).to.deep.equal({ projectId: PID, path: 'a.md' });
      expect(opened).to.deep.equal(['a.md']);
      expect(controller.desiredFiles).to.deep.equal([{ projectId: PID, path: 'a.md' }]);
    });

    it("open: an error naming the file rejects REMOTE_ERROR with CoCalc's mesg verbatim and leaves desiredFiles", async () => {
      const { kiosk, controller } = keep(await readyPair());
      const result = controller.open('a.md', { projectId: PID });
      await flush();
      kiosk.reply(ack('a.md'));
      kiosk.reply({ status: 'error', action: 'open', path: 'a.md', project_id: PID, mesg: 'Error: <b>nope</b>' });
      const error = await rejectsWith(result, 'REMOTE_ERROR');
      expect(error.details.mesg).to.equal('Error: <b>nope</b>');
      expect(error.retryable).to.equal(false);
      expect(controller.desiredFiles).to.deep.equal([]);
    });

    it('open: a validation error without action (before ack) rejects the open in flight as REMOTE_ERROR', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const result = controller.open('a.md', { projectId: PID });
      await flush();
      kiosk.reply({ status: 'error', mesg: `problem opening project ${PID}` });
      expect((await rejectsWith(result, 'REMOTE_ERROR')).details.mesg).to.equal(`problem opening project ${PID}`);
    });

    it('open: replies for another path or project, and a second ack, match nothing', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const result = track(controller.open('a.md', { projectId: PID }));
      await flush();
      kiosk.reply(done('b.md'));
      kiosk.reply(done('a.md', OTHER_PID));
      kiosk.reply(ack('a.md'));
      kiosk.reply(ack('a.md'));
      kiosk.reply({ status: 'error', mesg: 'Unknown action after ack' }); // after ack: not a validation error any more
      await flush();
      expect(result.settled).to.equal(false);
      expect(controller.stats.unmatched).to.equal(4);
      kiosk.reply(done('a.md'));
      await flush();
      expect(result.settled && !result.error).to.equal(true);
    });

    it('closeAll: resolves on {status:"done", mesg} and rejects REMOTE_ERROR on an error without action', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const first = controller.closeAll();
      await flush();
      expect(kiosk.requests()).to.deep.equal([{ action: 'closeall' }]);
      kiosk.reply(statusReply()); // wrong shape
      kiosk.reply({ status: 'done', mesg: 'all files are closed' });
      await first;
      const second = controller.closeAll();
      await flush();
      kiosk.reply({ status: 'error', mesg: 'Error: boom' });
      expect((await rejectsWith(second, 'REMOTE_ERROR')).details.mesg).to.equal('Error: boom');
    });

    // Threat model: docs/threat-model.md#stale-replies
    it('duplicate, out-of-order and unsolicited replies never resolve another call', async () => {
      const { kiosk, controller } = keep(await readyPair());
      kiosk.reply(done('a.md')); // unsolicited, nothing in flight
      kiosk.reply(statusReply());
      const opened = controller.open('a.md', { projectId: PID });
      await flush();
      kiosk.reply(ack('a.md'));
      kiosk.reply(done('a.md'));
      await opened;
      const next = track(controller.open('a.md', { projectId: PID, ackTimeout: 60_000 }));
      await flush();
      // A late duplicate 'done' of the first open: the same file, so CoCalc saying it is open is true;
      // but a late 'ack' must not be taken as anything else.
      const status = track(controller.status());
      kiosk.reply(statusReply()); // status-shaped while an open is in flight: ignored
      await flush();
      expect(next.settled).to.equal(false);
      expect(status.settled).to.equal(false);
      kiosk.reply(done('a.md'));
      await flush();
      expect(next.settled).to.equal(true);
      kiosk.reply(statusReply(7));
      await flush();
      expect(status.settled).to.equal(true);
      expect((status.value as { connection: { ping: number } }).connection.ping).to.equal(7);
    });

    it('QUEUE_FULL beyond maxQueue waiting calls (retryable)', async () => {
      const { controller } = keep(setup({ maxQueue: 2 }));
      const a = track(controller.status());
      const b = track(controller.status());
      const error = await rejectsWith(controller.status(), 'QUEUE_FULL');
      expect(error.retryable).to.equal(true);
      controller.destroy();
      await flush();
      expect(a.settled && b.settled).to.equal(true);
    });

    it('refuses bad arguments with INVALID_ARGUMENT before queueing', async () => {
      const { kiosk, controller } = keep(await readyPair());
      await rejectsWith(controller.open('/etc/passwd', { projectId: PID }), 'INVALID_ARGUMENT');
      await rejectsWith(controller.open('../x', { projectId: PID }), 'INVALID_ARGUMENT');
      await rejectsWith(controller.open('a.md', { projectId: 'foo-bar' }), 'INVALID_ARGUMENT');
      await rejectsWith(controller.status({ timeout: -1 }), 'INVALID_ARGUMENT');
      expect(kiosk.posted).to.have.length(0);
    });
  });

  describe('timeouts and aborts', () => {
    it('status without reply rejects REQUEST_TIMEOUT (retryable)', async () => {
      const { controller } = keep(await readyPair());
      const error = await rejectsWith(controller.status({ timeout: 50 }), 'REQUEST_TIMEOUT');
      expect(error.retryable).to.equal(true);
    });

    it('open without ack rejects REQUEST_TIMEOUT at ackTimeout', async () => {
      const { controller } = keep(await readyPair());
      await rejectsWith(controller.open('a.md', { projectId: PID, ackTimeout: 50 }), 'REQUEST_TIMEOUT');
    });

    // Threat model: docs/threat-model.md#kiosk-lifecycle
    it('open with ack but no done rejects OPEN_TIMEOUT, then a later open works', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const first = controller.open('a.md', { projectId: PID, timeout: 80 });
      await flush();
      kiosk.reply(ack('a.md'));
      await rejectsWith(first, 'OPEN_TIMEOUT');
      const second = controller.open('b.md', { projectId: PID });
      await flush();
      expect(kiosk.requests('open')).to.have.length(2, 'an acked open leaves nothing ambiguous: no drain');
      kiosk.reply(done('a.md')); // the late done of the first: names a.md, cannot resolve b.md
      kiosk.reply(ack('b.md'));
      kiosk.reply(done('b.md'));
      await second;
    });

    it('an already-aborted signal rejects ABORTED without sending', async () => {
      const { kiosk, controller } = keep(await readyPair());
      await rejectsWith(controller.status({ signal: AbortSignal.abort() }), 'ABORTED');
      expect(kiosk.posted).to.have.length(0);
    });

    it('abort before send removes the call from the queue', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const first = controller.status();
      const abort = new AbortController();
      const second = controller.open('a.md', { projectId: PID, signal: abort.signal });
      abort.abort();
      await rejectsWith(second, 'ABORTED');
      kiosk.reply(statusReply());
      await first;
      await flush();
      expect(kiosk.requests('open')).to.have.length(0);
      expect(controller.desiredFiles).to.deep.equal([]);
    });

    it('abort in flight rejects ABORTED and swallows the late reply, keeping the channel in step', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const abort = new AbortController();
      const first = controller.status({ signal: abort.signal });
      const second = track(controller.status());
      await flush();
      abort.abort();
      await rejectsWith(first, 'ABORTED');
      await flush();
      expect(kiosk.requests('status')).to.have.length(1, 'the next request waits for the late reply');
      kiosk.reply(statusReply(1)); // late reply of the aborted request: swallowed
      await flush();
      expect(second.settled).to.equal(false);
      expect(kiosk.requests('status')).to.have.length(2);
      kiosk.reply(statusReply(2));
      await flush();
      expect((second.value as { connection: { ping: number } }).connection.ping).to.equal(2);
    });

    it('after an abort whose reply never comes, the channel frees itself after a bounded drain', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const abort = new AbortController();
      const first = controller.closeAll({ signal: abort.signal });
      const second = controller.status();
      await flush();
      abort.abort();
      await rejectsWith(first, 'ABORTED');
      await sleep(1_100);
      expect(kiosk.requests('status')).to.have.length(1);
      kiosk.reply(statusReply());
      await second;
    });
  });

  describe('destroy', () => {
    it('is idempotent, works before ready, rejects pending calls and ready with DESTROYED', async () => {
      const { kiosk, controller } = setup();
      const ready = controller.ready;
      const pending = controller.status();
      controller.destroy();
      controller.destroy();
      await rejectsWith(ready, 'DESTROYED');
      await rejectsWith(pending, 'DESTROYED');
      await rejectsWith(controller.open('a.md', { projectId: PID }), 'DESTROYED');
      expect(controller.state).to.equal('destroyed');
      const probes = kiosk.posted.length;
      await sleep(60);
      expect(kiosk.posted.length).to.equal(probes, 'no timers left');
      kiosk.reply(statusReply());
      expect(controller.stats.accepted).to.equal(0, 'no listener left');
    });

    it('rejects the call in flight and the queue with DESTROYED', async () => {
      const { controller } = await readyPair();
      const a = controller.open('a.md', { projectId: PID });
      const b = controller.status();
      await flush();
      controller.destroy();
      await rejectsWith(a, 'DESTROYED');
      await rejectsWith(b, 'DESTROYED');
    });
  });

  describe('close', () => {
    it('close(path) sends closeall, then re-opens the other desired files in order', async () => {
      const { kiosk, controller } = keep(await readyPair());
      kiosk.autoStatus = false;
      for (const path of ['a.md', 'b.md', 'c.md']) {
        const p = controller.open(path, { projectId: PID });
        await flush();
        kiosk.reply(done(path));
        await p;
      }
      kiosk.posted.length = 0;
      const closing = controller.close('b.md');
      await flush();
      expect(kiosk.requests()).to.deep.equal([{ action: 'closeall' }]);
      kiosk.reply({ status: 'done', mesg: 'all files are closed' });
      await flush();
      kiosk.reply(done('a.md'));
      await flush();
      kiosk.reply(done('c.md'));
      await closing;
      expect(kiosk.requests().map((r) => JSON.stringify(r))).to.deep.equal([
        JSON.stringify({ action: 'closeall' }),
        JSON.stringify({ action: 'open', project_id: PID, path: 'a.md' }),
        JSON.stringify({ action: 'open', project_id: PID, path: 'c.md' }),
      ]);
      expect(controller.desiredFiles.map((f) => f.path)).to.deep.equal(['a.md', 'c.md']);
    });

    it('a failed re-open after close is an error event and drops that file', async () => {
      const { kiosk, controller } = keep(await readyPair());
      for (const path of ['a.md', 'b.md']) {
        const p = controller.open(path, { projectId: PID });
        await flush();
        kiosk.reply(done(path));
        await p;
      }
      const errors: string[] = [];
      controller.addEventListener('error', (e) => errors.push(`${e.error.code}:${String(e.error.details.path)}`));
      const closing = controller.close('b.md');
      await flush();
      kiosk.reply({ status: 'done', mesg: 'all files are closed' });
      await flush();
      kiosk.reply({ status: 'error', action: 'open', path: 'a.md', project_id: PID, mesg: 'gone' });
      await closing;
      expect(errors).to.deep.equal(['REMOTE_ERROR:a.md']);
      expect(controller.desiredFiles).to.deep.equal([]);
    });

    it('closeAll forgets every desired file', async () => {
      const { kiosk, controller } = keep(await readyPair());
      const p = controller.open('a.md', { projectId: PID });
      await flush();
      kiosk.reply(done('a.md'));
      await p;
      const c = controller.closeAll();
      await flush();
      kiosk.reply({ status: 'done', mesg: 'all files are closed' });
      await c;
      expect(controller.desiredFiles).to.deep.equal([]);
    });
  });

  describe('debug log', () => {
    it('is bounded and never contains the auth token of the iframe src', async () => {
      const token = 'Q'.repeat(20) + 'tail';
      const kiosk = new SyntheticKiosk(ORIGIN);
      kiosk.iframe.setAttribute('data-x', '1');
      Object.defineProperty(kiosk.iframe, 'src', { value: `${ORIGIN}/app?auth_token=${token}&fullscreen=kiosk` });
      const controller = KioskController.connect(kiosk.iframe, { origin: ORIGIN, debug: true });
      controllers.push(controller);
      for (let i = 0; i < 500; i++) kiosk.reply({ junk: i, auth_token: token });
      kiosk.reply(statusReply());
      await controller.ready;
      const log = controller.debugLog();
      expect(log.length).to.equal(200);
      const text = JSON.stringify(log);
      expect(text).to.not.contain(token);
      expect(text).to.contain('ready');
      const first = KioskController.connect(new SyntheticKiosk(ORIGIN).iframe, { origin: ORIGIN, debug: true });
      controllers.push(first);
      expect(JSON.stringify(first.debugLog())).to.not.contain(token);
    });

    it('is empty without debug', () => {
      const { controller } = keep(setup());
      expect(controller.debugLog()).to.deep.equal([]);
    });
  });

  describe('project log', () => {
    it("dispatches validated entries, with the update's load time", async () => {
      const { kiosk, controller } = keep(await readyPair());
      const seen: Array<[string | undefined, number | undefined]> = [];
      controller.addEventListener('project-log', (e) => seen.push([e.entry.event.filename, e.loadTimeMs]));
      const log = (event: Record<string, unknown>) => ({
        source: 'cocalc-project-log',
        payload: { project_log: { id: 'e1', project_id: PID, time: new Date().toISOString(), event } },
      });
      kiosk.reply(log({ event: 'open', action: 'open', filename: 'a.md' }));
      kiosk.reply(log({ time: 1075 }));
      kiosk.reply({ source: 'cocalc-project-log', payload: { project_log: { id: 'e2', project_id: 'nope', event: {} } } });
      kiosk.reply(log({ event: 'open' }), { origin: 'http://evil.test' });
      expect(seen).to.deep.equal([
        ['a.md', undefined],
        [undefined, 1075],
      ]);
      expect(controller.stats.rejectedShape).to.equal(1);
      expect(controller.stats.rejectedOrigin).to.equal(1);
    });
  });

  describe('options', () => {
    it('throws INVALID_ARGUMENT synchronously for bad options', () => {
      const iframe = new SyntheticKiosk(ORIGIN).iframe;
      for (const origin of ['null', '', 'ftp://x.test', 'not a url', 'javascript:alert(1)']) {
        expect(() => KioskController.connect(iframe, { origin }), origin).to.throw().with.property('code', 'INVALID_ARGUMENT');
      }
      expect(() => KioskController.connect(iframe, { origin: ORIGIN, readyTimeout: 0 })).to.throw().with.property('code', 'INVALID_ARGUMENT');
      expect(() => KioskController.connect(iframe, { origin: ORIGIN, maxQueue: 1.5 })).to.throw().with.property('code', 'INVALID_ARGUMENT');
      expect(() => KioskController.connect(document.body as unknown as HTMLIFrameElement, { origin: ORIGIN })).to.throw();
    });

    it('normalises the origin once (path, default port and case dropped)', () => {
      const iframe = new SyntheticKiosk(ORIGIN).iframe;
      const controller = KioskController.connect(iframe, { origin: 'HTTPS://CoCalc.Example.EDU:443/some/path?q#f' });
      controllers.push(controller);
      expect(controller.origin).to.equal('https://cocalc.example.edu');
    });
  });
});
