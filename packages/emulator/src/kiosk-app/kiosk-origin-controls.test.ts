import { expect } from '@open-wc/testing';
import {
  fixture,
  frameEval,
  freshToken,
  getControls,
  KioskFrame,
  probeSilentKiosk,
  kioskFileUrl,
  resetControls,
  setControls,
  sleep,
  until,
  type Fixture,
} from './kiosk-test-harness.js';

let frame: KioskFrame | undefined;
afterEach(() => {
  frame?.close();
  frame = undefined;
});


async function listenerAttached(fx: Fixture): Promise<boolean> {
  return until(() => frameEval<boolean>(fx.url, "typeof window.__cocalcEmulator?.listenerLiveAt === 'number'"), 8000);
}

describe('origin checks, end to end', () => {
  it('strict emulator (CoCalc rules, no dev relaxation): this http page never gets a reply', async () => {
    const fx = await fixture('strict');
    frame = await new KioskFrame(`${fx.url}/app?session=&fullscreen=kiosk`).open();
    expect(await listenerAttached(fx)).to.equal(true); // the silence is the origin check, not a missing listener
    for (const data of [{ action: 'status' }, null, { action: 'foo' }, { action: 'closeall' }]) frame.post(data);
    await sleep(1500);
    expect(frame.received).to.deep.equal([]);
  });

  it('a blocked origin (a sandboxed "null"-origin frame) gets no reply while this page does', async () => {
    const fx = await fixture('dev');
    frame = await new KioskFrame(`${fx.url}/app?session=&fullscreen=kiosk`).open();
    await frame.waitForListener();
    const probe = document.createElement('iframe');
    probe.setAttribute('sandbox', 'allow-scripts');
    probe.srcdoc = `<script>
      const kiosk = parent.frames[0];
      let got = 0;
      addEventListener('message', (e) => { if (e.source === kiosk) got++; });
      for (const d of [{ action: 'status' }, null, { action: 'nope' }]) kiosk.postMessage(d, ${JSON.stringify(new URL(fx.url).origin)});
      setTimeout(() => parent.postMessage({ probeGot: got }, '${location.origin}'), 1500);
    </script>`;
    const result = new Promise<number>((resolve) =>
      window.addEventListener('message', function on(e: MessageEvent<{ probeGot?: unknown } | null>) {
        const got = e.data?.probeGot;
        if (e.source === probe.contentWindow && typeof got === 'number') {
          window.removeEventListener('message', on);
          resolve(got);
        }
      }),
    );
    document.body.appendChild(probe);
    try {
      expect(await result).to.equal(0);
      const [status] = await frame.request({ action: 'status' });
      expect(status!.status).to.equal('done');
    } finally {
      probe.remove();
    }
  });
});

describe('test controls (read once at boot)', () => {
  let fx: Fixture;
  before(async () => {
    fx = await fixture('dev');
  });
  afterEach(async () => resetControls(fx));

  it('latencyMs delays every reply', async () => {
    await setControls(fx, { latencyMs: 400 });
    frame = await new KioskFrame(`${fx.url}/app?session=&fullscreen=kiosk`).open();
    await frame.waitForListener(15000);
    const t0 = performance.now();
    await frame.request({ action: 'status' });
    expect(performance.now() - t0).to.be.at.least(390);
  });

  it('dropReplies swallows the next N replies, then answers; the count is consumed on the server', async () => {
    await setControls(fx, { dropReplies: 2 });
    frame = await new KioskFrame(`${fx.url}/app?session=&fullscreen=kiosk`).open();
    await listenerAttached(fx);
    frame.post({ action: 'status' });
    frame.post({ action: 'foo' });
    await sleep(500);
    expect(frame.replies()).to.deep.equal([]);
    const [reply] = await frame.request({ action: 'bar' });
    expect(reply).to.deep.equal({ status: 'error', mesg: "Unknown action 'bar'" });
    await until(async () => (await getControls(fx)).dropReplies === 0);
  });

  it('neverReady: the listener is never attached, nothing ever answers', async () => {
    await setControls(fx, { neverReady: true });
    frame = await new KioskFrame(`${fx.url}/app?session=&fullscreen=kiosk`).open();
    const { replies, listener } = await probeSilentKiosk(frame, fx.url);
    expect(replies).to.deep.equal([]);
    expect(listener).to.equal(null);
  });

  it('reloadMidRequest: the next open gets its ack, then the page reloads (no done); one shot', async () => {
    frame = await new KioskFrame(kioskFileUrl(fx, fx.projects.running, 'intro.ipynb', { auth_token: await freshToken(fx) })).open();
    await until(() => frame!.loads >= 2, 10000);
    await setControls(fx, { reloadMidRequest: true });
    // Controls are read at boot: reload the kiosk so it sees the new one.
    await frameEval(fx.url, 'location.reload()');
    await until(() => frame!.loads >= 3, 10000);
    await frame.waitForListener();
    const loadsBefore = frame.loads;
    frame.post({ action: 'open', project_id: fx.projects.running, path: 'plain.txt' });
    await until(() => frame!.loads > loadsBefore, 10000);
    expect(frame.replies()).to.deep.equal([
      { status: 'ack', action: 'open', path: 'plain.txt', project_id: fx.projects.running },
    ]);
    expect((await getControls(fx)).reloadMidRequest).to.equal(false);
    await frame.waitForListener();
    const replies = await frame.request({ action: 'open', project_id: fx.projects.running, path: 'plain.txt' }, 2);
    expect(replies.map((r) => r.status)).to.deep.equal(['ack', 'done']);
  });
});
