// <cocalc-notebook> against the real pieces: the emulator (a CoCalc stand-in on its own origin) and
// the token server, proxied by the WTR config to same-origin /api/cocalc/token (classic emulator,
// `url` sign-in era) and /api-modern/cocalc/token (modern emulator, `impersonate` era).
import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import type { CocalcNotebookElement } from './cocalc-notebook-element.js';
import { TokenBroker } from './token-broker.js';
import { frames, nextEvent, recordStates, sleep, waitForState } from './test-helpers.js';

interface Pairs {
  classic: { cocalcUrl: string; tokenRequests: number };
  modern: { cocalcUrl: string; tokenRequests: number };
}
const pairs = async (): Promise<Pairs> => (await fetch('/__pairs')).json() as Promise<Pairs>;

async function controls(pair: 'classic' | 'modern', values: Record<string, unknown>): Promise<void> {
  const response = await fetch(`/__emulator-controls?pair=${pair}`, { method: 'POST', body: JSON.stringify(values) });
  if (!response.ok) throw new Error(`emulator controls: HTTP ${response.status}`);
}

async function until(condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}

describe('<cocalc-notebook> with the emulator and the token server', function () {
  this.timeout(30_000);

  afterEach(async () => {
    await controls('classic', { upstream: 'ok', expireTokens: false, apiLatencyMs: 0 });
    await controls('modern', { upstream: 'ok', expireTokens: false, apiLatencyMs: 0, reloadMidRequest: false });
  });

  it('classic CoCalc (url era): zero-config element gets ready on the default endpoint and opens files', async () => {
    const before = history.length;
    const { classic } = await pairs();
    const el = await fixture<CocalcNotebookElement>(html`<cocalc-notebook path="intro.ipynb"></cocalc-notebook>`);
    const ready = await nextEvent(el, 'cocalc-ready');
    expect(ready.controller.origin).to.equal(new URL(classic.cocalcUrl).origin);
    await until(() => el.openFiles.includes('intro.ipynb'));
    await el.open('lab1.ipynb');
    const status = await el.status();
    expect(status.openFiles[el.projectId!]).to.include.members(['intro.ipynb', 'lab1.ipynb']);
    expect(frames(el)).to.have.length(1);
    expect(frames(el)[0]!.hasAttribute('src')).to.equal(false);
    expect(el.shadowRoot!.innerHTML + el.outerHTML).not.to.contain('auth_token');
    // The element adds no history entry (see the fake-kiosk test); CoCalc's own pushStates inside
    // the kiosk (the `url` era strips auth_token since 2020, handle-target rewrites the URL) add at most two. This
    // is the documented url-era residue: Back can return the kiosk to its token URL.
    expect(history.length - before).to.be.at.most(2);
  });

  it('modern CoCalc (impersonate era): signs in through the throw-away frame and gets ready', async () => {
    const before = history.length;
    const el = await fixture<CocalcNotebookElement>(
      html`<cocalc-notebook path="notes.md" token-endpoint="/api-modern/cocalc/token"></cocalc-notebook>`,
    );
    const seen = recordStates(el);
    const errors: string[] = [];
    el.addEventListener('cocalc-error', (e) => errors.push(e.error.code));
    await waitForState(el, 'ready', 20_000);
    expect(seen).to.include('loading');
    expect(frames(el)).to.have.length(1);
    await until(() => el.openFiles.includes('notes.md'));
    expect((await el.status()).openFiles[el.projectId!]).to.include('notes.md');
    expect(errors).to.deep.equal([]);
    // Signed in: the element had the backend revoke the token, so it is useless to anyone who saw it.
    await until(async () => ((await (await fetch('/__last-token-valid?pair=modern')).json()) as { valid: boolean }).valid === false);
    // The sign-in frame's navigations left with it; the kiosk's own pushState (CoCalc's
    // handle-target) may add one entry inside the kiosk, never one holding the token.
    expect(history.length - before).to.be.at.most(1);
  });

  it('a kiosk reload in the middle of the first open is no error: the file opens in the reloaded kiosk', async () => {
    // The kiosk acks the next open, then reloads without its done (as a url-era CoCalc can, when
    // it reloads after signing in while the host's first open is in flight).
    await controls('modern', { reloadMidRequest: true });
    const el = await fixture<CocalcNotebookElement>(
      html`<cocalc-notebook path="notes.md" token-endpoint="/api-modern/cocalc/token"></cocalc-notebook>`,
    );
    const seen = recordStates(el);
    const errors: string[] = [];
    el.addEventListener('cocalc-error', (e) => errors.push(e.error.code));
    await until(() => seen.filter((s) => s === 'ready').length >= 2, 20_000);
    expect(seen.slice(seen.indexOf('ready'))).to.include('connecting'); // the kiosk did reload
    await until(() => el.openFiles.includes('notes.md'), 20_000);
    expect(errors).to.deep.equal([]);
    expect(el.state).to.equal('ready');
  });

  it('maps the backend failing upstream to UPSTREAM_ERROR and never creates a frame', async () => {
    await controls('classic', { upstream: '500' });
    const el = await fixture<CocalcNotebookElement>(
      html`<cocalc-notebook path="intro.ipynb" .tokenBroker=${new TokenBroker({ retryBaseMs: 5, maxRetries: 1 })}></cocalc-notebook>`,
    );
    await waitForState(el, 'error', 20_000);
    expect(['UPSTREAM_ERROR', 'RATE_LIMITED']).to.include(el.error!.code);
    expect(frames(el)).to.have.length(0);
  });

  it('a kiosk that loads but cannot sign in (expired token) is renewed once, then reported', async () => {
    await controls('classic', { expireTokens: true });
    const before = (await pairs()).classic.tokenRequests;
    const el = await fixture<CocalcNotebookElement>(html`<cocalc-notebook path="intro.ipynb"></cocalc-notebook>`);
    const states = recordStates(el);
    const { error } = await nextEvent(el, 'cocalc-error');
    expect(error.code).to.equal('SESSION_BLOCKED');
    // Older CoCalc refuses the open ("problem opening project"); a current one never acks it.
    if (error.details.sign === 'REMOTE_ERROR') expect(String(error.details.mesg)).to.match(/problem opening project/);
    else expect(error.details.sign).to.equal('REQUEST_TIMEOUT');
    expect(el.state).to.equal('error');
    expect(states).to.include('token'); // the renewal
    expect((await pairs()).classic.tokenRequests - before).to.equal(2);
  });

  it('path changes open in the running emulator kiosk without a new token', async () => {
    const el = await fixture<CocalcNotebookElement>(html`<cocalc-notebook path="intro.ipynb"></cocalc-notebook>`);
    await waitForState(el, 'ready', 20_000);
    const { classic } = await pairs();
    el.path = 'lab2.ipynb';
    await el.updateComplete;
    expect((await el.pathOpened!).path).to.equal('lab2.ipynb');
    expect((await pairs()).classic.tokenRequests).to.equal(classic.tokenRequests);
  });
});
