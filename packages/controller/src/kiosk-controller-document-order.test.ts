// Which document answered: a real CoCalc installs its bridge while its script runs and answers
// `status` (first `connecting`, without status_time) before its document's `load`. The fake kiosk
// reproduces that with `slowLoad` (an image holding `load` back) and `firstStatus=connecting`.
// These tests drive real cross-origin frames and check that the controller neither takes that
// `load` for a reload nor ever posts to the frame's initial about:blank.
import { expect } from '@open-wc/testing';
import { KioskController } from './index.js';
import { fakeControl, fakeControlSync, fakeReceived, fixture, mountFrame, nextLoad, rejectsWith, removeFrames, sleep, track, type Fixture } from './test-support/helpers.js';

const PID = '6f1c2f5e-8d1a-4a3b-9c2d-0e1f2a3b4c5d';

/** Replaces the postMessage of the frame's current (same-origin, initial about:blank) window by a counter. */
function spyOnBlank(iframe: HTMLIFrameElement): { calls: unknown[] } {
  const win = iframe.contentWindow!;
  expect(win.location.href).to.equal('about:blank');
  const spy = { calls: [] as unknown[] };
  win.postMessage = ((data: unknown) => {
    spy.calls.push(data);
  }) as Window['postMessage'];
  return spy;
}

/** Records what a controller tells its listeners, in order. */
function record(controller: KioskController): string[] {
  const seen: string[] = [];
  controller.addEventListener('state-change', (e) => seen.push(`state:${e.state}`));
  controller.addEventListener('ready', (e) => seen.push(`ready:${e.generation}`));
  controller.addEventListener('reload', (e) => seen.push(`reload:${e.generation}`));
  controller.addEventListener('error', (e) => seen.push(`error:${e.error.code}`));
  return seen;
}

describe('KioskController: the document that answers before its load', () => {
  let fx: Fixture;
  const controllers: KioskController[] = [];
  before(async () => {
    fx = await fixture();
  });
  afterEach(() => {
    for (const c of controllers.splice(0)) c.destroy();
    removeFrames();
  });

  function connect(iframe: HTMLIFrameElement): KioskController {
    const controller = KioskController.connect(iframe, { origin: fx.fakeOrigin });
    controllers.push(controller);
    return controller;
  }

  it('an answer before load gives one ready, no reload, no error, and a call in flight across the load resolves', async () => {
    const iframe = mountFrame();
    const controller = connect(iframe);
    const seen = record(controller);
    const loaded = track(nextLoad(iframe));
    iframe.src = `${fx.fakeUrl}?slowLoad=600&firstStatus=connecting`;
    await controller.ready;
    expect(loaded.settled, 'ready came before the load').to.equal(false);
    // An open in flight while the document finishes loading: the kiosk answers it only afterwards.
    await fakeControlSync(iframe, fx.fakeOrigin, { __fake: 'config', config: { open: 'silent' } });
    const opening = controller.open('a.md', { projectId: PID });
    const opened = track(opening);
    await nextLoad(iframe);
    await sleep(30);
    expect(opened.settled, 'the load settled the open').to.equal(false);
    fakeControl(iframe, fx.fakeOrigin, {
      __fake: 'post',
      messages: [
        { status: 'ack', action: 'open', path: 'a.md', project_id: PID },
        { status: 'done', action: 'open', path: 'a.md', project_id: PID },
      ],
    });
    expect(await opening).to.deep.equal({ projectId: PID, path: 'a.md' });
    expect(controller.state).to.equal('ready');
    expect(seen).to.deep.equal(['state:ready', 'ready:1']);
    const received = (await fakeReceived(iframe, fx.fakeOrigin)) as Array<{ action?: string }>;
    expect(received.filter((m) => m.action === 'open')).to.have.length(1);
    // The first answer said `connecting` without a time; CoCalc later says `connected` with one.
    const status = await controller.status();
    expect(status.connection.status).to.equal('connected');
    expect(status.connection.statusTime).to.be.instanceOf(Date);
  });

  it('posts nothing to the initial about:blank, whether the frame is navigated after connect() or was given a src', async () => {
    const later = mountFrame();
    const laterSpy = spyOnBlank(later);
    const first = connect(later);
    await sleep(40); // probes are due every 10 ms now
    later.src = `${fx.fakeUrl}?slowLoad=200&firstStatus=connecting`;
    await first.ready;

    const withSrc = mountFrame(`${fx.fakeUrl}?slowLoad=200`); // navigation pending: still about:blank
    const srcSpy = spyOnBlank(withSrc);
    const second = connect(withSrc);
    await second.ready;
    await Promise.all([first.status(), second.status()]);

    expect(laterSpy.calls, 'posted to about:blank').to.deep.equal([]);
    expect(srcSpy.calls, 'posted to about:blank').to.deep.equal([]);
    // ...while the kiosk documents got the probes and the calls.
    for (const frame of [later, withSrc]) {
      const received = (await fakeReceived(frame, fx.fakeOrigin)) as Array<{ action?: string }>;
      expect(received.filter((m) => m.action === 'status').length).to.be.greaterThan(1);
    }
  });

  it('a genuine reload after an early answer is still a reload: RELOADED, one reload event, ready again, the file re-opened', async () => {
    const iframe = mountFrame();
    const controller = connect(iframe);
    const seen = record(controller);
    iframe.src = `${fx.fakeUrl}?slowLoad=200&firstStatus=connecting`;
    await controller.ready;
    await nextLoad(iframe); // the answering document's own load: not a reload
    await controller.open('kept.md', { projectId: PID });
    await fakeControlSync(iframe, fx.fakeOrigin, { __fake: 'config', config: { open: 'silent' } });
    const pending = controller.open('pending.md', { projectId: PID });
    await sleep(30);
    // The old document says something status-shaped just before it goes: it must not make the
    // new connection ready nor answer a call made to the new document.
    fakeControl(iframe, fx.fakeOrigin, { __fake: 'post', messages: [{ status: 'done', connection: { quality: 'good', status: 'connected', status_time: new Date(), ping: 999 }, open_files: {} }] });
    const reopened = new Promise<string[]>((resolve) => {
      const paths: string[] = [];
      controller.addEventListener('file-opened', (e) => {
        paths.push(e.path);
        if (paths.length === 2) resolve(paths);
      });
    });
    fakeControl(iframe, fx.fakeOrigin, { __fake: 'reload' });
    await rejectsWith(pending, 'RELOADED');
    // The new document answers before its load too; the reload is recognised at its load.
    expect(await reopened).to.deep.equal(['kept.md', 'pending.md']);
    const status = await controller.status();
    expect(status.connection.ping).to.equal(12);
    expect(seen.filter((s) => s.startsWith('reload:'))).to.deep.equal(['reload:2']);
    expect(seen.filter((s) => s.startsWith('ready:'))).to.deep.equal(['ready:1', 'ready:2']);
    expect(seen.filter((s) => s.startsWith('error:'))).to.deep.equal([]);
    const received = (await fakeReceived(iframe, fx.fakeOrigin)) as Array<{ action?: string; path?: string }>;
    expect(received.filter((m) => m.action === 'open').map((m) => m.path)).to.deep.equal(['kept.md', 'pending.md']);
  });
});
