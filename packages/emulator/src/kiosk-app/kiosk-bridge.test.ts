import { expect } from '@open-wc/testing';
import {
  fixture,
  frameCommand,
  freshToken,
  KioskFrame,
  kioskFileUrl,
  resetControls,
  sleep,
  until,
  type Fixture,
} from './kiosk-test-harness.js';

// The real kiosk page (emulator on 127.0.0.1, a different site from this page on localhost:8003),
// signed in through the `url` era (`?auth_token=` → hub → /cookies → reload), driven over postMessage
// exactly as a host page would. The `dev` emulator admits this http page only through
// devHttpOrigins.

let fx: Fixture;
let frame: KioskFrame | undefined;

async function signedInKiosk(path = 'intro.ipynb'): Promise<KioskFrame> {
  const token = await freshToken(fx, 'alice');
  const kiosk = await new KioskFrame(kioskFileUrl(fx, fx.projects.running, path, { auth_token: token })).open();
  await until(() => kiosk.loads >= 2, 10000); // the `url` era reloads after setting the cookie
  await kiosk.waitForListener();
  return kiosk;
}

describe('kiosk bridge, end to end (`url` era, dev http origin)', () => {
  before(async () => {
    fx = await fixture('dev');
    await resetControls(fx);
  });
  afterEach(() => {
    frame?.close();
    frame = undefined;
  });

  it('signs in from ?auth_token= and strips it from the address; the URL\'s file shows only after an open message', async () => {
    frame = await signedInKiosk();
    const href = await frameCommand<string>({ op: 'eval', origin: fx.url, expression: 'location.href' });
    expect(href).to.not.contain('auth_token');
    expect(href).to.not.contain('session=');
    expect(new URL(href).pathname).to.equal(`/projects/${fx.projects.running}/files/intro.ipynb`);
    expect(new URL(href).searchParams.get('fullscreen')).to.equal('kiosk');
    // Like CoCalc today: only the banner, nothing open, although the URL names a file.
    const [before] = await frame.request({ action: 'status' });
    expect(before!.open_files).to.deep.equal({});
    expect(await frameCommand({ op: 'eval', origin: fx.url, expression: "document.querySelector('main')" })).to.equal(null);
    expect(await frameCommand({ op: 'eval', origin: fx.url, expression: "document.querySelector('header.kiosk-banner h1')?.textContent" })).to.equal(
      'Emulated CoCalc (dev)',
    );
    await frame.request({ action: 'open', project_id: fx.projects.running, path: 'intro.ipynb' }, 2);
    const [after] = await frame.request({ action: 'status' });
    expect(after!.open_files).to.deep.equal({ [fx.projects.running]: ['intro.ipynb'] });
    expect(await until(() => frameCommand<string | null>({ op: 'eval', origin: fx.url, expression: "document.querySelector('main h1')?.textContent ?? null" }))).to.equal(
      'intro.ipynb',
    );
  });

  it('renders the notebook: markdown cells via marked, raw HTML as text, code and text outputs', async () => {
    frame = await signedInKiosk();
    await frame.request({ action: 'open', project_id: fx.projects.running, path: 'intro.ipynb' }, 2);
    const view = await until(() =>
      frameCommand<{ h1: string; cellH1: string; code: string; outputs: string[]; imgs: number; pwned: unknown; rawShown: boolean } | null>({
        op: 'eval',
        origin: fx.url,
        expression: `(() => { const c = document.querySelector('.notebook'); if (!c) return null; return {
          h1: document.querySelector('main h1')?.textContent, cellH1: c.querySelector('.cell-markdown h1')?.textContent,
          code: c.querySelector('.cell-code code')?.textContent,
          outputs: [...c.querySelectorAll('.cell-outputs pre')].map((p) => p.textContent),
          imgs: document.querySelectorAll('img').length, pwned: window.__pwned ?? null,
          rawShown: c.textContent.includes('<img src=x onerror') }; })()`,
      }),
    );
    expect(view.h1).to.equal('intro.ipynb');
    expect(view.cellH1).to.equal('Intro notebook');
    expect(view.code).to.equal('print("hello")\n1 + 1');
    expect(view.outputs).to.deep.equal(['hello\n', '2']);
    expect(view.imgs).to.equal(0);
    expect(view.pwned).to.equal(null);
    expect(view.rawShown).to.equal(true);
  });

  it('posts no ready message, ever: only project-log messages arrive unprompted', async () => {
    frame = await new KioskFrame(kioskFileUrl(fx, fx.projects.running, 'intro.ipynb', { auth_token: await freshToken(fx) })).open();
    await until(() => frame!.loads >= 2, 10000);
    await sleep(1500);
    expect(frame.replies()).to.deep.equal([]);
    for (const log of frame.projectLogs()) expect(log.source).to.equal('cocalc-project-log');
  });

  it('answers every malformed request with CoCalc\'s exact error strings', async () => {
    frame = await signedInKiosk();
    const probes: Array<[unknown, Record<string, unknown>]> = [
      [null, { status: 'error', mesg: 'There is no payload "data"' }],
      ["{'action': 'foo'}", { status: 'error', mesg: 'The payload "data" must be an object' }],
      [17, { status: 'error', mesg: 'The payload "data" must be an object' }],
      [{}, { status: 'error', mesg: "Unknown action 'undefined'" }],
      [[], { status: 'error', mesg: "Unknown action 'undefined'" }],
      [{ action: 'foo-bar' }, { status: 'error', mesg: "Unknown action 'foo-bar'" }],
      [{ action: 'open', project_id: 'foo-bar', path: 'a.ipynb' }, { status: 'error', mesg: "invalid project_id='foo-bar'" }],
      [{ action: 'open', project_id: fx.projects.running, path: { wrong: 'path' } }, { status: 'error', mesg: 'invalid path, it must be a string' }],
      [{ action: 'open', project_id: fx.projects.bobs, path: 'secret.md' }, { status: 'error', mesg: `problem opening project ${fx.projects.bobs}` }],
    ];
    for (const [data, expected] of probes) {
      const [reply] = await frame.request(data);
      expect(reply, JSON.stringify(data)).to.deep.equal(expected);
    }
  });

  it('open: ack then done, with path and project_id and no request id; replies come from the kiosk origin', async () => {
    frame = await signedInKiosk();
    const pid = fx.projects.running;
    const replies = await frame.request({ action: 'open', project_id: pid, path: 'notes/readme.md', id: 'host-id-1' }, 2);
    expect(replies).to.deep.equal([
      { status: 'ack', action: 'open', path: 'notes/readme.md', project_id: pid },
      { status: 'done', action: 'open', path: 'notes/readme.md', project_id: pid },
    ]);
    const fromKiosk = frame.received.filter((r) => !('source' in (r.data as object)));
    expect(fromKiosk.every((r) => r.fromKiosk && r.origin === new URL(fx.url).origin)).to.equal(true);
    const [status] = await frame.request({ action: 'status' });
    expect(status!.open_files).to.deep.equal({ [pid]: ['notes/readme.md'] });
    const heading = await until(() =>
      frameCommand<string | null>({ op: 'eval', origin: fx.url, expression: "document.querySelector('.markdown-document h1')?.textContent ?? null" }),
    );
    expect(heading).to.equal('Readme');
  });

  it('open of a file that cannot be shown (missing, broken notebook): ack and done, the error shows in the kiosk, no load-time log', async () => {
    frame = await signedInKiosk();
    const pid = fx.projects.running;
    for (const path of ['nope.ipynb', 'broken.ipynb']) {
      frame.clear();
      const [ack, done] = await frame.request({ action: 'open', project_id: pid, path }, 2);
      expect(ack).to.deep.equal({ status: 'ack', action: 'open', path, project_id: pid });
      expect(done).to.deep.equal({ status: 'done', action: 'open', path, project_id: pid });
      const shown = await until(() =>
        frameCommand<string | null>({ op: 'eval', origin: fx.url, expression: "document.querySelector('main [role=alert]')?.textContent ?? null" }),
      );
      expect(shown).to.match(/^Error: |SyntaxError|JSON/);
      await sleep(300);
      expect(frame.projectLogs().length, path).to.equal(1);
    }
  });

  it('status once loaded: connection {quality, status "connected", status_time a Date} (no ping yet) and open_files', async () => {
    frame = await signedInKiosk();
    const [status] = await frame.request({ action: 'status' });
    const connection = status!.connection as Record<string, unknown>;
    expect(status!.status).to.equal('done');
    expect(connection.quality).to.equal('good');
    expect(connection.status).to.equal('connected');
    expect(connection.status_time).to.be.instanceOf(Date);
    expect((connection.status_time as Date).getTime()).to.be.closeTo(Date.now(), 60_000);
    expect(connection).to.not.have.property('ping'); // CoCalc's first ping comes about 30 s in
    expect(status!.open_files).to.deep.equal({});
  });

  it('closeall: every file closed, the banner is back, open_files is empty', async () => {
    frame = await signedInKiosk();
    const [reply] = await frame.request({ action: 'closeall' });
    expect(reply).to.deep.equal({ status: 'done', mesg: 'all files are closed' });
    const [status] = await frame.request({ action: 'status' });
    expect(status!.open_files).to.deep.equal({});
    const banner = await frameCommand<string>({ op: 'eval', origin: fx.url, expression: "document.querySelector('header.kiosk-banner h1')?.textContent" });
    expect(banner).to.equal('Emulated CoCalc (dev)');
  });

  it('open: ack → project-log open entry → done → project-log load time with the same id, in that order', async () => {
    frame = await signedInKiosk();
    const pid = fx.projects.running;
    await frame.request({ action: 'open', project_id: pid, path: 'plain.txt' }, 2);
    const all = await until(() => (frame!.received.length >= 4 ? frame!.received.map((r) => r.data as Record<string, unknown>) : undefined));
    expect(all.map((m) => (m.source === 'cocalc-project-log' ? 'log' : m.status))).to.deep.equal(['ack', 'log', 'done', 'log']);
    const logs = frame.projectLogs();
    const [open, update] = logs.map((l) => (l.payload as { project_log: Record<string, unknown> }).project_log);
    expect(open!.event).to.deep.equal({ event: 'open', action: 'open', filename: 'plain.txt', compute_server_id: 0 });
    expect(open!.project_id).to.equal(pid);
    expect(typeof open!.id).to.equal('string');
    expect(update!.id).to.equal(open!.id);
    expect((update!.event as { time: unknown }).time).to.be.a('number');
  });

  it('replies go to event.source (a nested frame), not to the kiosk\'s parent', async () => {
    frame = await signedInKiosk();
    // A same-origin child frame of this page sends the request with the kiosk's WindowProxy.
    const child = document.createElement('iframe');
    child.srcdoc = `<script>
      window.got = [];
      addEventListener('message', (e) => { if (e.source === parent.frames[0]) got.push(e.data); });
    </script>`;
    document.body.appendChild(child);
    await new Promise((r) => child.addEventListener('load', r, { once: true }));
    try {
      const kioskWindow = frame.iframe.contentWindow!;
      expect(window.frames[0]).to.equal(kioskWindow);
      (child.contentWindow as Window & { got: unknown[] }).got.length = 0;
      (child.contentWindow as Window & typeof globalThis).eval(`parent.frames[0].postMessage({ action: 'status' }, ${JSON.stringify(fx.url)})`);
      await until(() => (child.contentWindow as Window & { got: unknown[] }).got.length > 0);
      await sleep(300);
      expect(frame.replies()).to.deep.equal([]);
      expect(((child.contentWindow as Window & { got: Array<{ status: string }> }).got[0]!).status).to.equal('done');
    } finally {
      child.remove();
    }
  });

  it('kiosk mode refuses opening another file from the UI (a relative link)', async () => {
    frame = await signedInKiosk();
    await frame.request({ action: 'open', project_id: fx.projects.running, path: 'intro.ipynb' }, 2);
    await until(() => frameCommand<boolean>({ op: 'eval', origin: fx.url, expression: "!!document.querySelector('.notebook a')" }));
    await frameCommand({ op: 'click', origin: fx.url, selector: '.notebook a' });
    const alert = await until(() => frameCommand<string | null>({ op: 'eval', origin: fx.url, expression: "document.querySelector('[role=alert]')?.textContent ?? null" }));
    expect(alert).to.equal(`CoCalc is in Kiosk mode, so you may not open "other.ipynb".  Please try visiting ${new URL(fx.url).origin} directly.`);
    const [status] = await frame.request({ action: 'status' });
    expect(status!.open_files).to.deep.equal({ [fx.projects.running]: ['intro.ipynb'] });
  });

  it('a stopped project shows a Start prompt and is not started by looking; Start loads the file', async () => {
    frame = await signedInKiosk();
    const pid = fx.projects.stopped;
    const replies = await frame.request({ action: 'open', project_id: pid, path: 'later.ipynb' }, 2);
    expect(replies.map((r) => r.status)).to.deep.equal(['ack', 'done']);
    const prompt = await until(() => frameCommand<string | null>({ op: 'eval', origin: fx.url, expression: "document.querySelector('.project-stopped h2')?.textContent ?? null" }));
    expect(prompt).to.equal('Project is not running');
    await frameCommand({ op: 'click', origin: fx.url, selector: '.project-stopped button' });
    const cells = await until(() => frameCommand<number>({ op: 'eval', origin: fx.url, expression: "document.querySelectorAll('.notebook .cell').length" }));
    expect(cells).to.equal(2);
  });
});
