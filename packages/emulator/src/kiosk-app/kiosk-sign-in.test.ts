import { expect } from '@open-wc/testing';
import { engine, fixture, frameCommand, frameEval, freshToken, KioskFrame, kioskFileUrl, probeSilentKiosk, sleep, until, type Engine } from './kiosk-test-harness.js';

// Sign-in eras and when the bridge exists. See kiosk-bridge.test.ts for the signed-in bridge.

let frame: KioskFrame | undefined;
// Each test starts signed out: cookies from an earlier sign-in would otherwise leak in.
beforeEach(async () => {
  await frameCommand({ op: 'clearCookies' });
});
afterEach(() => {
  frame?.close();
  frame = undefined;
});


// A token-shaped string that no emulator ever minted (24 letters, made at run time).
function unknownToken(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => letters[b % letters.length]).join('');
}

/**
 * What a signed-out kiosk answers, as a real CoCalc did: status `disconnected` (quality good,
 * status_time a Date, nothing open); `open` gets no reply at all; an unknown action still errors.
 */
async function expectSignedOut(kiosk: KioskFrame, projectId: string): Promise<void> {
  const [status] = await kiosk.request({ action: 'status' });
  expect(status!.status).to.equal('done');
  expect(status!.open_files).to.deep.equal({});
  const connection = status!.connection as Record<string, unknown>;
  expect(connection.quality).to.equal('good');
  expect(connection.status).to.equal('disconnected');
  expect(connection.status_time).to.be.instanceOf(Date);
  kiosk.clear();
  kiosk.post({ action: 'open', project_id: projectId, path: 'intro.ipynb' });
  const [unknown] = await kiosk.request({ action: 'foo-bar' });
  expect(unknown).to.deep.equal({ status: 'error', mesg: "Unknown action 'foo-bar'" });
  await sleep(1000);
  expect(kiosk.replies()).to.deep.equal([{ status: 'error', mesg: "Unknown action 'foo-bar'" }]);
}

describe('`url`-era sign-in (?auth_token=, generation classic)', () => {
  // What each engine does with cookies in a cross-site iframe (page on localhost, kiosk on
  // 127.0.0.1), measured:
  // - Chromium refuses an unpartitioned SameSite=None cookie (third-party-cookie blocking) and
  //   keeps a Partitioned (CHIPS) one. (Not Secure-over-http: 127.0.0.1 is potentially
  //   trustworthy and the same cookie is kept at top level. A persistent profile with
  //   `profile.cookie_controls_mode = 0` accepts it; the default, 1, blocks it in off-the-record
  //   and persistent profiles alike.)
  // - Firefox keeps SameSite=None; Secure cookies, in the partition of the embedding site (Total
  //   Cookie Protection); the frame still has no storage access to its unpartitioned cookies.
  // - WebKit refuses every cookie in a cross-site frame.
  // Every engine refuses a Lax or Strict cookie there. So the kiosk signs in cross-site only in
  // Firefox, and only while the emulator's sign-in cookie is SameSite=None; Secure.
  const CROSS_SITE: Record<Engine, { keepsNoneSecure: boolean; probesKept: string[] }> = {
    chromium: { keepsNoneSecure: false, probesKept: ['probe_partitioned'] },
    firefox: { keepsNoneSecure: true, probesKept: ['probe_unpartitioned', 'probe_partitioned'] },
    webkit: { keepsNoneSecure: false, probesKept: [] },
  };

  it('in a cross-site iframe the remember_me cookie survives only where the engine keeps third-party cookies', async () => {
    const expected = CROSS_SITE[engine()];
    const fx = await fixture('crosssite');
    frame = await new KioskFrame(kioskFileUrl(fx, fx.projects.running, 'intro.ipynb', { auth_token: await freshToken(fx) })).open();
    await until(() => frame!.loads >= 2, 10000); // the hub accepted the token and the page reloaded
    await frame.waitForListener();
    const signedIn = expected.keepsNoneSecure && fx.signInCookie.sameSite === 'none' && fx.signInCookie.secure;
    if (signedIn) {
      const replies = await frame.request({ action: 'open', project_id: fx.projects.running, path: 'intro.ipynb' }, 2);
      expect(replies).to.deep.equal([
        { status: 'ack', action: 'open', project_id: fx.projects.running, path: 'intro.ipynb' },
        { status: 'done', action: 'open', project_id: fx.projects.running, path: 'intro.ipynb' },
      ]);
    } else {
      // Over plain http the emulator's cookie is SameSite=Lax (as CoCalc's: Secure only over
      // https), refused in any cross-site frame: the kiosk ends signed out.
      const cookies = await frameCommand<Array<{ name: string }>>({ op: 'cookies', origin: fx.url });
      expect(cookies.map((c) => c.name)).to.not.include('remember_me');
      await expectSignedOut(frame, fx.projects.running);
      expect(await frameEval(fx.url, "document.querySelector('header.kiosk-banner h1')?.textContent")).to.equal('Emulated CoCalc (crosssite)');
    }
    const kept = await frameEval<string>(
      fx.url,
      "document.cookie = 'probe_unpartitioned=1; SameSite=None; Secure; Path=/'; document.cookie = 'probe_partitioned=1; SameSite=None; Secure; Partitioned; Path=/'; document.cookie",
    );
    const probes = kept.split(/;\s*/).map((c) => c.split('=')[0]!).filter((n) => n.startsWith('probe_'));
    expect(probes.sort()).to.deep.equal([...expected.probesKept].sort());
    expect(await frameEval(fx.url, 'document.hasStorageAccess()')).to.equal(false);
  });

  it('an unknown token: stripped from the address, no reload, signed out with only the banner', async () => {
    const fx = await fixture('dev');
    frame = await new KioskFrame(kioskFileUrl(fx, fx.projects.running, 'intro.ipynb', { auth_token: unknownToken() })).open();
    await frame.waitForListener();
    expect(frame.loads).to.equal(1);
    const href = await frameEval<string>(fx.url, 'location.href');
    expect(href).to.not.contain('auth_token');
    expect(await frameEval(fx.url, "document.querySelector('main')")).to.equal(null);
    expect(await frameEval(fx.url, "document.querySelector('header.kiosk-banner h1')?.textContent")).to.equal('Emulated CoCalc (dev)');
    await expectSignedOut(frame, fx.projects.running);
  });
});

describe('`impersonate` era (generation modern)', () => {
  it('does not read ?auth_token= at all: it stays in the address and nobody is signed in', async () => {
    const fx = await fixture('modern');
    const token = await freshToken(fx);
    frame = await new KioskFrame(kioskFileUrl(fx, fx.projects.running, 'intro.ipynb', { auth_token: token })).open();
    await frame.waitForListener();
    expect(frame.loads).to.equal(1);
    const href = await frameEval<string>(fx.url, 'location.href');
    expect(new URL(href).searchParams.get('auth_token')).to.equal(token);
    await expectSignedOut(frame, fx.projects.running);
  });
});

describe('`impersonate`-era sign-in through /auth/impersonate (same-site iframe)', () => {
  it('impersonate sets the cookies and redirects to /app (kiosk flag lost); a kiosk load afterwards is signed in', async () => {
    const fx = await fixture('modern');
    frame = await new KioskFrame(`${fx.url}/auth/impersonate?auth_token=${await freshToken(fx)}`).open();
    await until(() => frame!.loads >= 2, 10000); // window.onload → location.href = {site}/app
    const landed = new URL(await until(() => frameEval<string>(fx.url, "location.pathname === '/settings' && location.href")));
    expect(landed.pathname).to.equal('/settings'); // path and kiosk flag lost, as in CoCalc
    expect(landed.searchParams.get('fullscreen')).to.equal(null);
    expect(await frameEval(fx.url, 'window.__cocalcEmulator ?? null')).to.equal(null); // no kiosk ⇒ no bridge
    frame.close();
    frame = await new KioskFrame(kioskFileUrl(fx, fx.projects.running, 'intro.ipynb')).open();
    await frame.waitForListener();
    const [status] = await frame.request({ action: 'status' });
    expect((status!.connection as { status: string }).status).to.equal('connected');
    expect(status!.open_files).to.deep.equal({});
    const replies = await frame.request({ action: 'open', project_id: fx.projects.running, path: 'intro.ipynb' }, 2);
    expect(replies.map((r) => r.status)).to.deep.equal(['ack', 'done']);
  });
});

describe('the bridge exists only with fullscreen=kiosk', () => {
  it('without fullscreen=kiosk nothing answers and no listener is attached', async () => {
    const fx = await fixture('dev');
    frame = await new KioskFrame(`${fx.url}/app?session=`).open();
    const { replies, listener } = await probeSilentKiosk(frame, fx.url);
    expect(replies).to.deep.equal([]);
    expect(listener).to.equal(null);
  });

  it('with fullscreen=kiosk the listener is attached and window.__cocalcEmulator.listenerLiveAt says when', async () => {
    const fx = await fixture('dev');
    const before = Date.now();
    frame = await new KioskFrame(`${fx.url}/app?session=&fullscreen=kiosk`).open();
    await frame.waitForListener();
    const liveAt = await frameEval<number>(fx.url, 'window.__cocalcEmulator.listenerLiveAt');
    expect(liveAt).to.be.within(before - 1000, Date.now());
    // /app has no target: CoCalc routes to settings (signed out) and drops `session`.
    const href = new URL(await frameEval<string>(fx.url, 'location.href'));
    expect(href.pathname).to.equal('/settings');
    expect(href.search).to.equal('?fullscreen=kiosk');
  });
});
