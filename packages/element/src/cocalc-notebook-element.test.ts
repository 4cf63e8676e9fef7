import { expect, fixture, fixtureSync, html } from '@open-wc/testing';
import { CocalcError, type TokenResponse } from '@cocalc-embed/protocol';
import './define.js';
import { CocalcNotebookElement } from './cocalc-notebook-element.js';
import { kioskAllow, KIOSK_SANDBOX } from './kiosk-frame.js';
import { TokenBroker } from './token-broker.js';
import { fakeState, frames, nextEvent, recordStates, resetFake, sleep, waitForState } from './test-helpers.js';

const fastBroker = (): TokenBroker => new TokenBroker({ retryBaseMs: 5, random: () => 0 });

/** A notebook on the same-origin fake CoCalc (its frames can be inspected). */
function notebook(endpoint = '/fake/token/ok', path = 'intro.ipynb', broker = fastBroker()): Promise<CocalcNotebookElement> {
  return fixture<CocalcNotebookElement>(
    html`<cocalc-notebook path=${path} token-endpoint=${endpoint} ready-timeout="3000" .tokenBroker=${broker}></cocalc-notebook>`,
  );
}

async function readyNotebook(endpoint?: string, path?: string): Promise<CocalcNotebookElement> {
  const el = await notebook(endpoint, path);
  await waitForState(el, 'ready');
  return el;
}

describe('<cocalc-notebook>', () => {
  beforeEach(resetFake);

  describe('registration and defaults', () => {
    it('is registered as cocalc-notebook and has the documented defaults', () => {
      expect(customElements.get('cocalc-notebook')).to.equal(CocalcNotebookElement);
      const el = document.createElement('cocalc-notebook');
      expect(el.tokenEndpoint).to.equal('/api/cocalc/token');
      expect(el.loading).to.equal('eager');
      expect(el.debug).to.equal(false);
      expect(el.readyTimeout).to.equal(30_000);
      expect(el.state).to.equal('idle');
      expect(el.controller).to.equal(undefined);
      expect(el.tokenProvider).to.equal(undefined);
    });

    it('maps attributes to properties', async () => {
      const el = fixtureSync<CocalcNotebookElement>(
        html`<cocalc-notebook loading="click" path="a/b.ipynb" project="algebra-1" token-endpoint="/x" debug ready-timeout="1234"></cocalc-notebook>`,
      );
      expect([el.path, el.project, el.tokenEndpoint, el.loading, el.debug, el.readyTimeout]).to.deep.equal([
        'a/b.ipynb', 'algebra-1', '/x', 'click', true, 1234,
      ]);
    });

    it('has no token attribute: a token is never reflected anywhere in the DOM', async () => {
      const el = await readyNotebook();
      const token = (el as unknown as { token?: string }).token;
      expect(token).to.equal(undefined);
      const dom = el.outerHTML + el.shadowRoot!.innerHTML;
      expect(dom).not.to.match(/auth_token|[A-Za-z0-9]{24}/);
    });
  });

  describe('lifecycle and events', () => {
    it('goes idle → token → loading → connecting → ready, with :state() and one cocalc-state-change each', async () => {
      const el = fixtureSync<CocalcNotebookElement>(
        html`<cocalc-notebook path="intro.ipynb" token-endpoint="/fake/token/ok" .tokenBroker=${fastBroker()}></cocalc-notebook>`,
      );
      // Insertion only schedules the start (so properties set right after insertion count).
      expect(el.state).to.equal('idle');
      expect(el.matches(':state(idle)')).to.equal(true);
      const seen = recordStates(el);
      const ready = await nextEvent(el, 'cocalc-ready');
      expect(seen).to.deep.equal(['token', 'loading', 'connecting', 'ready']);
      expect(el.matches(':state(ready)')).to.equal(true);
      expect(el.matches(':state(loading)')).to.equal(false);
      expect(ready.controller).to.equal(el.controller);
      expect(ready.projectId).to.equal(el.projectId);
      expect(ready.bubbles && ready.composed).to.equal(true);
      expect(await el.ready).to.equal(el.controller);
    });

    it('fires cocalc-file-open (ack) then cocalc-file-opened (done) for the initial file', async () => {
      const el = fixtureSync<CocalcNotebookElement>(
        html`<cocalc-notebook path="intro.ipynb" token-endpoint="/fake/token/ok" .tokenBroker=${fastBroker()}></cocalc-notebook>`,
      );
      const order: string[] = [];
      el.addEventListener('cocalc-file-open', (e) => order.push(`open:${e.path}`));
      el.addEventListener('cocalc-file-opened', (e) => order.push(`opened:${e.path}`));
      const opened = await nextEvent(el, 'cocalc-file-opened');
      expect(opened.projectId).to.equal(el.projectId);
      expect(order).to.deep.equal(['open:intro.ipynb', 'opened:intro.ipynb']);
      expect(el.openFiles).to.deep.equal(['intro.ipynb']);
    });

    it('the project id comes from the token response, never from the page', async () => {
      const el = await readyNotebook();
      expect(el.projectId).to.match(/^[0-9a-f-]{36}$/);
      expect(el.hasAttribute('project-id')).to.equal(false);
    });

    it('announces state changes in a polite live region', async () => {
      const el = await readyNotebook();
      const live = el.shadowRoot!.querySelector('[aria-live="polite"]')!;
      expect(live.textContent!.trim()).to.equal('CoCalc is ready.');
    });

    it('is accessible when ready and when failed', async () => {
      const el = await readyNotebook();
      await expect(el).to.be.accessible();
      const failed = await notebook('/fake/token/401');
      await waitForState(failed, 'error');
      await expect(failed).to.be.accessible();
    });
  });

  // Threat model: docs/threat-model.md#framing, #url-injection, #token-in-the-url
  describe('kiosk frame', () => {
    it('has the minimal sandbox and allow lists, no-referrer, a title from the file name, and no src attribute', async () => {
      const el = await readyNotebook('/fake/token/ok', 'course/week 1.ipynb');
      const [frame] = frames(el);
      expect(frames(el)).to.have.length(1);
      expect(frame!.getAttribute('sandbox')).to.equal(KIOSK_SANDBOX);
      expect(frame!.sandbox.contains('allow-top-navigation')).to.equal(false);
      expect(frame!.sandbox.contains('allow-top-navigation-by-user-activation')).to.equal(false);
      expect(frame!.getAttribute('allow')).to.equal(kioskAllow(location.origin));
      expect(frame!.getAttribute('allow')).to.equal(
        `clipboard-read ${location.origin}; clipboard-write ${location.origin}; fullscreen ${location.origin}`,
      );
      expect(frame!.getAttribute('referrerpolicy')).to.equal('no-referrer');
      expect(frame!.title).to.equal('CoCalc: week 1.ipynb');
      expect(frame!.getAttribute('part')).to.equal('frame');
      expect(frame!.hasAttribute('src')).to.equal(false);
      const loads = (await fakeState()).kioskLoads;
      expect(loads).to.have.length(1);
      expect(loads[0]!.referer).to.equal('');
    });

    it('grants fullscreen and the clipboard to the kiosk on its own origin, as seen from inside the frame', async () => {
      // CoCalc on another origin than the page (127.0.0.1 vs localhost): the frame has no src, so a
      // bare `allow` list would grant these to the page's origin only.
      await fetch('/fake/__kiosk?reportPermissions=1');
      const kioskOrigin = `http://127.0.0.1:${location.port}`;
      const report = new Promise<Record<string, unknown>>((resolve) => {
        const onMessage = (event: MessageEvent): void => {
          if (event.origin !== kioskOrigin || (event.data as { fakeKioskTest?: unknown } | null)?.fakeKioskTest !== 'permissions') return;
          window.removeEventListener('message', onMessage);
          resolve(event.data as Record<string, unknown>);
        };
        window.addEventListener('message', onMessage);
      });
      const el = await notebook('/fake/token/ok?kioskHost=127.0.0.1');
      await waitForState(el, 'ready');
      expect(el.controller!.origin).to.equal(kioskOrigin);
      const seen = await report;
      expect(seen.origin).to.equal(kioskOrigin);
      expect(seen.fullscreenEnabled, 'document.fullscreenEnabled').to.equal(true);
      // document.featurePolicy is Chromium's; other engines report null and are judged by fullscreenEnabled.
      if (seen.fullscreen !== null) {
        expect([seen.fullscreen, seen.clipboardRead, seen.clipboardWrite]).to.deep.equal([true, true, true]);
      }
      expect(frames(el)[0]!.getAttribute('allow')).to.equal(kioskAllow(kioskOrigin));
    });

    it('kioskAllow names exactly one serialised http(s) origin and refuses anything else', () => {
      expect(kioskAllow('https://cocalc.example:443')).to.equal(
        'clipboard-read https://cocalc.example; clipboard-write https://cocalc.example; fullscreen https://cocalc.example',
      );
      for (const bad of ['*', 'self', "'src'", 'javascript:alert(1)', 'data:text/html,x', '', 'https://a.example; camera *']) {
        let code: string | undefined;
        try {
          kioskAllow(bad);
        } catch (error) {
          code = CocalcError.is(error) ? error.code : 'other';
        }
        expect(code, bad).to.equal('INVALID_ARGUMENT');
      }
      // Whatever follows the origin in a URL never reaches the attribute.
      expect(kioskAllow('https://a.example/x;%20camera%20*?y=1;camera')).to.equal(kioskAllow('https://a.example'));
    });

    it('url era: the token travels only in the kiosk navigation, never in the DOM or top history', async () => {
      const before = history.length;
      const el = await readyNotebook();
      const { kioskLoads } = await fakeState();
      const kiosk = new URL(kioskLoads[0]!.url, location.origin);
      const token = kiosk.searchParams.get('auth_token')!;
      expect(token).to.match(/^[A-Za-z0-9]{24}$/);
      expect(kioskLoads[0]!.signedIn).to.equal(true);
      expect(el.shadowRoot!.innerHTML).not.to.contain(token);
      expect(document.documentElement.outerHTML).not.to.contain(token);
      expect(frames(el)[0]!.src).to.equal('');
      expect(history.length).to.equal(before);
    });

    it('impersonate era: signs in through a throw-away frame, then loads the kiosk without the token', async () => {
      const before = history.length;
      const el = await readyNotebook('/fake/token/ok?signIn=impersonate');
      const state = await fakeState();
      expect(state.impersonateLoads).to.equal(1);
      expect(state.kioskLoads).to.have.length(1);
      expect(state.kioskLoads[0]!.url).not.to.contain('auth_token');
      expect(state.kioskLoads[0]!.signedIn).to.equal(true);
      expect(frames(el)).to.have.length(1);
      expect(frames(el)[0]!.title).to.equal('CoCalc: intro.ipynb');
      expect(el.shadowRoot!.innerHTML).not.to.match(/auth_token|impersonate/);
      expect(history.length).to.equal(before);
    });

    it('encodes the path segment by segment: no query or fragment injection', async () => {
      const path = 'a b/c&fullscreen=no#x?.ipynb';
      await readyNotebook('/fake/token/ok', path);
      const url = new URL((await fakeState()).kioskLoads[0]!.url, location.origin);
      expect(url.searchParams.getAll('fullscreen')).to.deep.equal(['kiosk']);
      expect(url.hash).to.equal('');
      expect(decodeURIComponent(url.pathname.split('/files/')[1]!.split('/').join('/'))).to.equal(path);
    });

    it('blocks top navigation from inside the kiosk', async () => {
      const start = location.href;
      const message = new Promise<MessageEvent>((resolve) => {
        const on = (e: MessageEvent): void => {
          if ((e.data as { fakeKioskTest?: string })?.fakeKioskTest === 'top-nav') {
            window.removeEventListener('message', on);
            resolve(e);
          }
        };
        window.addEventListener('message', on);
      });
      await notebook('/fake/token/ok', 'attack-top.ipynb');
      const data: unknown = (await message).data;
      expect((data as { result: string }).result).to.match(/^blocked/);
      await sleep(200);
      expect(location.href).to.equal(start);
    });
  });

  // Threat model: docs/threat-model.md#token-endpoint-failures
  describe('token failures reach the page as typed errors', () => {
    for (const [mode, code] of [
      ['500-html', 'UPSTREAM_ERROR'],
      ['502-html', 'UPSTREAM_ERROR'],
      ['200-html', 'TOKEN_INVALID'],
      ['bad-json', 'TOKEN_INVALID'],
      ['no-token', 'TOKEN_INVALID'],
      ['bad-token', 'TOKEN_INVALID'],
      ['401', 'TOKEN_REJECTED'],
      ['429?retryAfter=0', 'RATE_LIMITED'],
    ] as const) {
      it(`${mode}: state error with ${code}, no iframe, no HTML from the body`, async () => {
        const el = fixtureSync<CocalcNotebookElement>(
          html`<cocalc-notebook path="a.md" token-endpoint=${`/fake/token/${mode}`} .tokenBroker=${fastBroker()}></cocalc-notebook>`,
        );
        const { error } = await nextEvent(el, 'cocalc-error');
        expect(error).to.be.instanceOf(CocalcError);
        expect(error.code).to.equal(code);
        expect(el.state).to.equal('error');
        expect(el.error).to.equal(error);
        expect(el.matches(':state(error)')).to.equal(true);
        expect(frames(el)).to.have.length(0);
        expect((await fakeState()).kioskLoads).to.have.length(0);
        await el.updateComplete;
        expect(el.shadowRoot!.querySelector('img')).to.equal(null);
        expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
        expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal(error.message);
        expect(el.shadowRoot!.querySelector('[part="hint"]')!.textContent).to.equal(error.hint);
      });
    }

    it('unreachable endpoint: TOKEN_UNAVAILABLE', async () => {
      const el = await notebook('http://127.0.0.1:9/token');
      await waitForState(el, 'error');
      expect(el.error!.code).to.equal('TOKEN_UNAVAILABLE');
    });

    it('the Retry button starts over and can succeed', async () => {
      const el = await notebook('/fake/token/403');
      await waitForState(el, 'error');
      const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!;
      expect(retry.textContent).to.equal('Retry');
      el.tokenEndpoint = '/fake/token/ok';
      await el.updateComplete;
      retry.click();
      await waitForState(el, 'ready');
      expect(el.error).to.equal(undefined);
    });

    it('comes back by itself when the browser is online again after a network failure', async () => {
      let calls = 0;
      const el = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook path="a.md"></cocalc-notebook>`);
      el.tokenProvider = async () => {
        calls++;
        if (calls === 1) throw new CocalcError('TOKEN_UNAVAILABLE', 'offline');
        const res = await fetch('/fake/token/ok', { method: 'POST', headers: { 'content-type': 'application/json', 'x-cocalc-embed': '1' }, body: '{"path":"a.md"}' });
        return res.json() as Promise<TokenResponse>;
      };
      await waitForState(el, 'error');
      expect(el.error!.code).to.equal('TOKEN_UNAVAILABLE');
      window.dispatchEvent(new Event('online'));
      await waitForState(el, 'ready');
      expect(calls).to.equal(2);
    });

    it('does not retry by itself after a failure that no reconnection fixes', async () => {
      let calls = 0;
      const el = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook path="a.md"></cocalc-notebook>`);
      el.tokenProvider = async () => {
        calls++;
        throw new CocalcError('TOKEN_REJECTED', 'not signed in');
      };
      await waitForState(el, 'error');
      window.dispatchEvent(new Event('online'));
      document.dispatchEvent(new Event('visibilitychange'));
      await sleep(200);
      expect(el.state).to.equal('error');
      expect(calls).to.equal(1);
    });

    it('shows a hostile error message as text only', async () => {
      const evil = '<img src=x onerror="window.__pwned=2">';
      const el = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook path="a.md"></cocalc-notebook>`);
      el.tokenProvider = async () => {
        throw new CocalcError('TOKEN_REJECTED', evil);
      };
      await waitForState(el, 'error');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal(evil);
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    });

    it('an invalid path or project fails with INVALID_ARGUMENT before any request', async () => {
      for (const attrs of [{ path: '../etc/passwd' }, { path: 'a.md', project: 'no spaces allowed' }]) {
        const el = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook token-endpoint="/fake/token/ok"></cocalc-notebook>`);
        Object.assign(el, attrs);
        await waitForState(el, 'error');
        expect(el.error!.code).to.equal('INVALID_ARGUMENT');
      }
      expect((await fakeState()).tokenRequests['ok']).to.equal(undefined);
    });
  });

  describe('a first visit the backend is still provisioning (HTTP 202)', () => {
    it('stays in the token state while it waits, then gets ready without an error', async () => {
      const el = fixtureSync<CocalcNotebookElement>(
        html`<cocalc-notebook path="intro.ipynb" token-endpoint=${'/fake/token/provisioning?times=1&retryAfter=1'} .tokenBroker=${fastBroker()}></cocalc-notebook>`,
      );
      const seen = recordStates(el);
      const errors: string[] = [];
      el.addEventListener('cocalc-error', (e) => errors.push(e.error.code));
      await waitForState(el, 'ready');
      expect(seen).to.deep.equal(['token', 'loading', 'connecting', 'ready']);
      expect(errors).to.deep.equal([]);
      expect((await fakeState()).tokenRequests['provisioning']).to.equal(2);
    });

    it('removing the element while it waits sends no further request', async () => {
      const el = await notebook('/fake/token/provisioning-forever');
      while (((await fakeState()).tokenRequests['provisioning-forever'] ?? 0) < 1) await sleep(20);
      expect(el.state).to.equal('token');
      el.remove();
      await sleep(1_500); // past the 1 s retryAfter
      expect((await fakeState()).tokenRequests['provisioning-forever']).to.equal(1);
      expect(frames(el)).to.have.length(0);
    });

    it('gives up with PROVISIONING_TIMEOUT at the broker deadline and shows it', async () => {
      const broker = new TokenBroker({ retryBaseMs: 5, random: () => 0, provisioningTimeoutMs: 1_200 });
      const el = await notebook('/fake/token/provisioning-forever', 'intro.ipynb', broker);
      const { error } = await nextEvent(el, 'cocalc-error');
      expect(error.code).to.equal('PROVISIONING_TIMEOUT');
      expect(el.state).to.equal('error');
      expect(frames(el)).to.have.length(0);
      expect(el.shadowRoot!.querySelector('[part="hint"]')!.textContent).to.contain('setting up');
    });
  });

  describe('tokenProvider', () => {
    it('is called with path, project and a signal, and its answer is validated', async () => {
      const calls: Array<{ path: string; project: string | undefined; signal: AbortSignal }> = [];
      const el = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook path="x.md" project="p1"></cocalc-notebook>`);
      el.tokenProvider = async (request) => {
        calls.push(request);
        const response = await fetch('/fake/token/ok', { method: 'POST', body: JSON.stringify({ path: request.path }) });
        return (await response.json()) as TokenResponse;
      };
      await waitForState(el, 'ready');
      expect(calls).to.have.length(1);
      expect(calls[0]!.path).to.equal('x.md');
      expect(calls[0]!.project).to.equal('p1');
      expect(calls[0]!.signal).to.be.instanceOf(AbortSignal);
    });

    it('a provider returning a malformed token never reaches an iframe', async () => {
      const el = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook path="x.md"></cocalc-notebook>`);
      el.tokenProvider = async () => ({ token: 'x&fullscreen=evil', expiresAt: new Date().toISOString(), expiresIn: 60,
        cocalcUrl: location.origin, projectId: crypto.randomUUID(), path: 'x.md', signIn: 'url' });
      await waitForState(el, 'error');
      expect(el.error!.code).to.equal('TOKEN_INVALID');
      expect(frames(el)).to.have.length(0);
    });

    it('its signal aborts when the element is removed', async () => {
      let signal: AbortSignal | undefined;
      const el = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook path="x.md"></cocalc-notebook>`);
      el.tokenProvider = (request) => {
        signal = request.signal;
        return new Promise(() => undefined);
      };
      await waitForState(el, 'token');
      await sleep(0);
      el.remove();
      expect(signal!.aborted).to.equal(true);
    });
  });

  describe('a kiosk that answers before its load, as a real CoCalc does', () => {
    it('gives exactly one cocalc-ready, no cocalc-error, and sends exactly one open of the path', async () => {
      // The fake kiosk's load waits 600 ms for an image; its bridge answers at once, first `connecting`.
      await fetch('/fake/__kiosk?slowLoad=600&firstStatus=connecting');
      const el = fixtureSync<CocalcNotebookElement>(
        html`<cocalc-notebook path="intro.ipynb" token-endpoint="/fake/token/ok" .tokenBroker=${fastBroker()}></cocalc-notebook>`,
      );
      const seen = recordStates(el);
      const readies: number[] = [];
      const errors: string[] = [];
      el.addEventListener('cocalc-ready', () => readies.push(readies.length));
      el.addEventListener('cocalc-error', (e) => errors.push(e.error.code));
      await nextEvent(el, 'cocalc-ready');
      const frame = frames(el)[0]!;
      expect(frame.contentDocument!.readyState, 'ready before the kiosk document loaded').to.not.equal('complete');
      await waitFor(() => frame.contentDocument?.readyState === 'complete', 5_000);
      await waitFor(() => el.openFiles.includes('intro.ipynb'), 5_000);
      await sleep(100); // anything a mistaken reload would do comes now
      expect(readies).to.have.length(1);
      expect(errors).to.deep.equal([]);
      expect(seen).to.deep.equal(['token', 'loading', 'ready']);
      const received = (frame.contentWindow as unknown as { __received: Array<{ action?: string }> }).__received;
      expect(received.filter((m) => m.action === 'open')).to.deep.equal([{ action: 'open', project_id: el.projectId, path: 'intro.ipynb' }]);
    });
  });

  describe('a kiosk that answers but is signed out, as a current CoCalc is', () => {
    it('status says disconnected and open gets no ack: one renewal, then SESSION_BLOCKED', async function () {
      this.timeout(30_000); // two 5 s ack timeouts
      await fetch('/fake/__kiosk?signedOut=1');
      const el = await notebook();
      const states = recordStates(el);
      const { error } = await nextEvent(el, 'cocalc-error');
      expect(error.code).to.equal('SESSION_BLOCKED');
      expect(error.details.sign).to.equal('REQUEST_TIMEOUT');
      expect(el.state).to.equal('error');
      expect(states).to.include('token'); // the one renewal
      expect((await fakeState()).tokenRequests['ok']).to.equal(2);
    });
  });

  describe('methods', () => {
    it('open, status, close and closeAll delegate to the controller and keep openFiles in sync', async () => {
      const el = await readyNotebook();
      await waitFor(() => el.openFiles.includes('intro.ipynb'));
      const opened = await el.open('second.md');
      expect(opened).to.deep.equal({ projectId: el.projectId, path: 'second.md' });
      expect(el.openFiles).to.have.members(['intro.ipynb', 'second.md']);
      const status = await el.status();
      expect(status.openFiles[el.projectId!]).to.have.members(['intro.ipynb', 'second.md']);
      const change = nextEvent(el, 'cocalc-files-change');
      await el.close('second.md');
      expect((await change).files).to.deep.equal(['intro.ipynb']);
      await el.closeAll();
      expect(el.openFiles).to.deep.equal([]);
      expect((await el.status()).openFiles[el.projectId!] ?? []).to.deep.equal([]);
    });

    it('a method called before ready waits for ready', async () => {
      const el = fixtureSync<CocalcNotebookElement>(
        html`<cocalc-notebook path="intro.ipynb" token-endpoint="/fake/token/ok" .tokenBroker=${fastBroker()}></cocalc-notebook>`,
      );
      const status = await el.status();
      expect(el.state).to.equal('ready');
      expect(status.connection.status).to.equal('connected');
    });

    it('methods reject NOT_READY in the error state and ABORTED through a signal', async () => {
      const failed = await notebook('/fake/token/401');
      await waitForState(failed, 'error');
      let error: unknown;
      await failed.open('a.md').catch((e: unknown) => (error = e));
      expect(CocalcError.is(error, 'NOT_READY')).to.equal(true);
      const idle = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook loading="click" path="a.md"></cocalc-notebook>`);
      const abort = new AbortController();
      const pending = idle.status({ signal: abort.signal });
      abort.abort();
      await pending.catch((e: unknown) => (error = e));
      expect(CocalcError.is(error, 'ABORTED')).to.equal(true);
    });

    it('reload() starts a new session with a fresh token and brings the open files back', async () => {
      const el = await readyNotebook();
      await el.open('second.md');
      const firstFrame = frames(el)[0];
      const reopened: string[] = [];
      el.addEventListener('cocalc-file-opened', (e) => reopened.push(e.path));
      const controller = await el.reload();
      expect(controller).to.equal(el.controller);
      expect(frames(el)).to.have.length(1);
      expect(frames(el)[0]).not.to.equal(firstFrame);
      await waitFor(() => reopened.includes('second.md') && reopened.includes('intro.ipynb'));
      expect((await fakeState()).tokenRequests['ok']).to.equal(2);
    });
  });

  describe('path changes', () => {
    it('opens the new path in the running kiosk instead of remounting', async () => {
      const el = await readyNotebook();
      await waitFor(() => el.openFiles.includes('intro.ipynb'));
      const frame = frames(el)[0];
      const ack = nextEvent(el, 'cocalc-file-open');
      el.path = 'second.md';
      await el.updateComplete;
      expect(await el.pathOpened).to.deep.equal({ projectId: el.projectId, path: 'second.md' });
      expect((await ack).path).to.equal('second.md');
      expect(frames(el)[0]).to.equal(frame);
      expect(frame!.title).to.equal('CoCalc: second.md');
      expect((await fakeState()).tokenRequests['ok']).to.equal(1);
    });

    it('a superseded pending open rejects SUPERSEDED and only the latest path opens', async () => {
      const el = await readyNotebook();
      await waitFor(() => el.openFiles.includes('intro.ipynb'));
      const errors: string[] = [];
      el.addEventListener('cocalc-error', (e) => errors.push(e.error.code));
      el.path = 'first.md';
      await el.updateComplete;
      const first = el.pathOpened!;
      el.path = 'latest.md';
      await el.updateComplete;
      let error: unknown;
      await first.catch((e: unknown) => (error = e));
      expect(CocalcError.is(error, 'SUPERSEDED')).to.equal(true);
      expect((await el.pathOpened!).path).to.equal('latest.md');
      expect(errors).to.deep.equal([]);
    });
  });

  describe('loading modes', () => {
    /** A `lazy` element far below the fold of a scrolling box. */
    async function offscreenLazyNotebook(): Promise<CocalcNotebookElement> {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="height: 200px; overflow: auto">
        <div style="height: 5000px"></div>
        <cocalc-notebook loading="lazy" path="lazy.md" token-endpoint="/fake/token/ok" .tokenBroker=${fastBroker()}></cocalc-notebook>
      </div>`);
      return wrapper.querySelector('cocalc-notebook')!;
    }

    it('lazy: an off-screen element mints nothing until it nears the viewport', async () => {
      const el = await offscreenLazyNotebook();
      await sleep(400);
      expect(el.state).to.equal('idle');
      expect(frames(el)).to.have.length(0);
      expect((await fakeState()).tokenRequests['ok']).to.equal(undefined);
      el.scrollIntoView();
      await waitForState(el, 'ready');
      expect((await fakeState()).tokenRequests['ok']).to.equal(1);
    });

    it('lazy changed to eager while waiting: loads at once, and nearing the viewport later starts nothing again', async () => {
      const el = await offscreenLazyNotebook();
      await sleep(200);
      expect(el.state).to.equal('idle');
      el.loading = 'eager';
      await waitForState(el, 'ready');
      const states = recordStates(el);
      el.scrollIntoView();
      await sleep(500);
      expect(states, 'the session must not restart when the element comes into view').to.deep.equal([]);
      expect(el.state).to.equal('ready');
      expect(frames(el)).to.have.length(1);
      expect((await fakeState()).tokenRequests['ok']).to.equal(1);
    });

    it('click: shows a facade button and mints nothing until it is clicked', async () => {
      const el = await fixture<CocalcNotebookElement>(
        html`<cocalc-notebook loading="click" path="lab/one.ipynb" token-endpoint="/fake/token/ok" .tokenBroker=${fastBroker()}></cocalc-notebook>`,
      );
      await sleep(200);
      const facade = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="facade"]')!;
      expect(facade.textContent!.trim()).to.equal('Open one.ipynb in CoCalc');
      expect((await fakeState()).tokenRequests['ok']).to.equal(undefined);
      await expect(el).to.be.accessible();
      facade.click();
      await waitForState(el, 'ready');
      expect(el.shadowRoot!.querySelector('[part="facade"]')).to.equal(null);
    });
  });

  describe('page-wide broker', () => {
    it('20 elements on one page for the same file share one token request', async () => {
      const broker = fastBroker();
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      const els = Array.from({ length: 20 }, () => {
        const el = document.createElement('cocalc-notebook');
        el.path = 'shared.ipynb';
        el.tokenEndpoint = '/fake/token/ok?delay=200';
        el.tokenBroker = broker;
        el.style.height = '50px';
        host.append(el);
        return el;
      });
      await Promise.all(els.map((el) => waitForState(el, 'ready', 20_000)));
      expect((await fakeState()).tokenRequests['ok']).to.equal(1);
      expect(broker.requestCount).to.equal(1);
    });
  });

  describe('session expiry', () => {
    it('renews an expired session in place: expired → token → ready, and the open files come back', async () => {
      let calls = 0;
      const el = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook path="intro.ipynb" ready-timeout="800"></cocalc-notebook>`);
      el.tokenProvider = async ({ path }) => {
        calls++;
        // The first token lives 1 s; the renewal gets a normal one.
        const response = await fetch(`/fake/token/ok?expiresIn=${calls === 1 ? 1 : 600}`, { method: 'POST', body: JSON.stringify({ path }) });
        return (await response.json()) as TokenResponse;
      };
      await waitForState(el, 'ready');
      await el.open('second.md');
      const seen = recordStates(el);
      await sleep(1_100);
      // Sign-in lost after expiry: the kiosk reloads and, with its token dead, never answers.
      frames(el)[0]!.contentWindow!.location.reload();
      const reopened: string[] = [];
      el.addEventListener('cocalc-file-opened', (e) => reopened.push(e.path));
      await waitFor(() => reopened.includes('second.md'), 10_000);
      expect(seen).to.include.members(['connecting', 'expired', 'loading', 'ready']);
      expect(seen.indexOf('expired')).to.be.below(seen.lastIndexOf('ready'));
      expect(calls).to.equal(2);
      expect(el.state).to.equal('ready');
    });

    it("impersonate era: a lost session counts as expired exactly when the server's expiresIn (12 h) says", async () => {
      // The backend says how long the impersonate session lasts (CoCalc's sign-in cookie: 12 h);
      // the element must judge expiry by that, not by any lifetime of its own. A fake clock.
      let clock = 0;
      const broker = new TokenBroker({ retryBaseMs: 5, random: () => 0, now: () => clock });
      const el = await notebook('/fake/token/ok?signIn=impersonate&expiresIn=43200', 'intro.ipynb', broker);
      el.readyTimeout = 800;
      await waitForState(el, 'ready');
      // A session that demonstrably worked (its file opened) before it was lost.
      await waitFor(() => el.openFiles.includes('intro.ipynb'), 5_000);
      const twelveHours = 43_200 * 1000;

      // One second before the 12 h: a lost session is NOT an expiry (one plain retry).
      clock = twelveHours - 1_000;
      const before = recordStates(el);
      const reopened = new Promise<void>((resolve) =>
        el.addEventListener('cocalc-file-opened', (e) => e.path === 'intro.ipynb' && before.includes('token') && resolve()),
      );
      await fetch('/fake/__end-sessions');
      frames(el)[0]!.contentWindow!.location.reload();
      await waitFor(() => before.includes('token'), 5_000);
      await waitForState(el, 'ready');
      expect(before).to.not.include('expired');
      await reopened; // the renewed session works: its file opened
      await el.status();

      // The renewed session was granted at that moment and lasts 12 h again; past its end it is expired.
      clock = twelveHours - 1_000 + twelveHours;
      const after = recordStates(el);
      await fetch('/fake/__end-sessions');
      frames(el)[0]!.contentWindow!.location.reload();
      await waitFor(() => after.includes('expired'), 5_000);
      await waitForState(el, 'ready');
      expect(after.indexOf('expired')).to.be.below(after.lastIndexOf('ready'));
    });

    it('reports TOKEN_EXPIRED when a fresh token does not help either', async () => {
      const el = fixtureSync<CocalcNotebookElement>(html`<cocalc-notebook path="intro.ipynb" ready-timeout="500"></cocalc-notebook>`);
      el.tokenProvider = async ({ path }) => {
        const response = await fetch('/fake/token/ok?expiresIn=0', { method: 'POST', body: JSON.stringify({ path }) });
        return (await response.json()) as TokenResponse;
      };
      const { error } = await nextEvent(el, 'cocalc-error');
      expect(error.code).to.equal('TOKEN_EXPIRED');
      expect(el.state).to.equal('error');
    });
  });

  // Threat model: docs/threat-model.md#forged-messages, #hostile-payloads
  describe('hostile messages', () => {
    it('ignores forged replies from other windows and junk from the kiosk origin', async () => {
      const el = await readyNotebook();
      await waitFor(() => el.openFiles.includes('intro.ipynb'));
      const events: string[] = [];
      for (const type of ['cocalc-file-opened', 'cocalc-error', 'cocalc-state-change'] as const) {
        el.addEventListener(type, () => events.push(type));
      }
      const pending = el.open('real.md');
      // Same origin as the fake kiosk, wrong source: the page itself and a second frame.
      window.postMessage({ status: 'done', action: 'open', path: 'forged.md', project_id: el.projectId }, location.origin);
      const other = document.createElement('iframe');
      document.body.append(other);
      (other.contentWindow as Window & { eval(code: string): unknown }).eval(
        `parent.postMessage({ status: 'error', mesg: 'forged', action: 'open', path: 'real.md', project_id: ${JSON.stringify(el.projectId)} }, '*')`,
      );
      for (const junk of [null, 42, 'done', [], {}, { status: 'weird' }, { __proto__: { polluted: 1 } }]) window.postMessage(junk, '*');
      expect(await pending).to.deep.equal({ projectId: el.projectId, path: 'real.md' });
      other.remove();
      expect(events).to.deep.equal(['cocalc-file-opened']);
      expect(el.openFiles).not.to.include('forged.md');
      expect(({} as { polluted?: number }).polluted).to.equal(undefined);
    });
  });

  describe('embedding', () => {
    it('works inside another component’s shadow root, and its events reach the document', async () => {
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      const root = host.attachShadow({ mode: 'open' });
      const el = document.createElement('cocalc-notebook');
      el.path = 'intro.ipynb';
      el.tokenEndpoint = '/fake/token/ok';
      el.tokenBroker = fastBroker();
      const heard = new Promise<boolean>((resolve) => {
        // composedPath() is only meaningful during dispatch.
        document.addEventListener('cocalc-ready', (event) => resolve(event.composedPath()[0] === el), { once: true });
      });
      root.append(el);
      expect(await heard).to.equal(true);
      expect(el.state).to.equal('ready');
    });
  });

  describe('debug', () => {
    it('logs lifecycle steps with the token redacted', async () => {
      const lines: string[] = [];
      const original = console.debug;
      console.debug = (...args: unknown[]) => lines.push(args.join(' '));
      try {
        const el = fixtureSync<CocalcNotebookElement>(
          html`<cocalc-notebook debug path="intro.ipynb" token-endpoint="/fake/token/ok" .tokenBroker=${fastBroker()}></cocalc-notebook>`,
        );
        await waitForState(el, 'ready');
      } finally {
        console.debug = original;
      }
      const token = new URL((await fakeState()).kioskLoads[0]!.url, location.origin).searchParams.get('auth_token')!;
      expect(lines.some((l) => l.includes('state connecting → ready'))).to.equal(true);
      expect(lines.some((l) => l.includes(`…${token.slice(-4)}`))).to.equal(true);
      expect(lines.join('\n')).not.to.contain(token);
    });
  });
});

async function waitFor(condition: () => boolean, ms = 5_000): Promise<void> {
  const until = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}
