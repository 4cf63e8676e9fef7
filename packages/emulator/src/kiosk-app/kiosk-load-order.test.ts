import { expect } from '@open-wc/testing';
import { fixture, frameCommand, freshToken, KioskFrame, kioskFileUrl, resetControls, setControls, until, type Fixture } from './kiosk-test-harness.js';

// When the bridge answers relative to the kiosk document's `load`. A real CoCalc installs its
// listener while its app script runs, so a host that probes early gets its first `status` reply
// before the iframe's `load`, saying `connecting` without `status_time`; later replies say
// `connected` with a `Date`. The `bridgeAfterLoad` control restores the emulator's old order.

type Seen = { kind: 'load' } | { kind: 'reply'; data: Record<string, unknown> };

/** Signs the browser in to the modern emulator through /auth/impersonate (same-site cookies). */
async function signIn(fx: Fixture): Promise<void> {
  await frameCommand({ op: 'clearCookies' });
  const frame = await new KioskFrame(`${fx.url}/auth/impersonate?auth_token=${await freshToken(fx)}`).open();
  try {
    await until(() => frame.loads >= 2, 10000);
  } finally {
    frame.close();
  }
}

/**
 * Navigates a fresh iframe to `src` while probing it with `status` every 10 ms from the start,
 * the way the controller does, and records replies and `load` events in the order they arrive,
 * until a load and a reply after it were seen.
 */
async function probeFromTheStart(src: string): Promise<{ seen: Seen[]; iframe: HTMLIFrameElement; stop: () => void }> {
  const origin = new URL(src).origin;
  const iframe = document.createElement('iframe');
  const seen: Seen[] = [];
  iframe.addEventListener('load', () => seen.push({ kind: 'load' }));
  const onMessage = (event: MessageEvent): void => {
    const data = event.data as Record<string, unknown>;
    if (event.source === iframe.contentWindow && data?.source !== 'cocalc-project-log') seen.push({ kind: 'reply', data });
  };
  window.addEventListener('message', onMessage);
  iframe.src = src; // set before insertion: the first load event is the kiosk document's
  document.body.appendChild(iframe);
  const timer = setInterval(() => {
    try {
      iframe.contentWindow?.postMessage({ action: 'status' }, origin);
    } catch {
      // not navigated yet
    }
  }, 10);
  const stop = (): void => {
    clearInterval(timer);
    window.removeEventListener('message', onMessage);
    iframe.remove();
  };
  try {
    await until(() => {
      const load = seen.findIndex((s) => s.kind === 'load');
      return load !== -1 && seen.slice(load).some((s) => s.kind === 'reply');
    }, 15000);
  } catch (err) {
    stop();
    throw err;
  }
  clearInterval(timer);
  return { seen, iframe, stop };
}

function connectionOf(seen: Seen): Record<string, unknown> {
  return (seen as { data: Record<string, unknown> }).data.connection as Record<string, unknown>;
}

describe('bridge timing against the document load', () => {
  let fx: Fixture;
  let stop: (() => void) | undefined;
  before(async () => {
    fx = await fixture('modern');
  });
  afterEach(async () => {
    stop?.();
    stop = undefined;
    await resetControls(fx);
  });

  it('listens before load: the first status reply arrives before the iframe load, connecting without status_time; after load connected with a Date', async () => {
    await signIn(fx);
    const run = await probeFromTheStart(kioskFileUrl(fx, fx.projects.running, 'intro.ipynb'));
    stop = run.stop;
    const load = run.seen.findIndex((s) => s.kind === 'load');
    expect(run.seen[0]!.kind, 'a reply came first').to.equal('reply');
    expect(load).to.be.greaterThan(0);
    expect(run.seen.filter((s) => s.kind === 'load').length).to.equal(1);
    expect((run.seen[0] as { data: unknown }).data).to.deep.equal({ status: 'done', connection: { quality: 'good', status: 'connecting' }, open_files: {} });
    for (const early of run.seen.slice(0, load)) expect(connectionOf(early)).to.deep.equal({ quality: 'good', status: 'connecting' });
    // After load: connected, with a real Date.
    const after = await until(() => {
      run.iframe.contentWindow!.postMessage({ action: 'status' }, new URL(fx.url).origin);
      const last = run.seen[run.seen.length - 1]!;
      return last.kind === 'reply' && connectionOf(last).status === 'connected' ? connectionOf(last) : undefined;
    });
    expect(after.quality).to.equal('good');
    expect(after.status_time).to.be.instanceOf(Date);
  });

  it('signed out: connecting before load, then disconnected with a Date', async () => {
    await frameCommand({ op: 'clearCookies' });
    const run = await probeFromTheStart(kioskFileUrl(fx, fx.projects.running, 'intro.ipynb'));
    stop = run.stop;
    expect(run.seen[0]!.kind).to.equal('reply');
    expect(connectionOf(run.seen[0]!).status).to.equal('connecting');
    const later = await until(() => {
      run.iframe.contentWindow!.postMessage({ action: 'status' }, new URL(fx.url).origin);
      const last = run.seen[run.seen.length - 1]!;
      return last.kind === 'reply' && connectionOf(last).status !== 'connecting' ? connectionOf(last) : undefined;
    });
    expect(later.status).to.equal('disconnected');
    expect(later.status_time).to.be.instanceOf(Date);
  });

  it('bridgeAfterLoad (the old order, a test control): nothing answers before load; the first reply is connected with a Date', async () => {
    await signIn(fx);
    await setControls(fx, { bridgeAfterLoad: true });
    const run = await probeFromTheStart(kioskFileUrl(fx, fx.projects.running, 'intro.ipynb'));
    stop = run.stop;
    expect(run.seen[0]!.kind).to.equal('load');
    const first = connectionOf(run.seen[1]!);
    expect(first.status).to.equal('connected');
    expect(first.status_time).to.be.instanceOf(Date);
  });
});
