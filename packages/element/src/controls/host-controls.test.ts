import { expect, fixture, html } from '@open-wc/testing';
import '../define.js';
import { stopHostControls } from './index.js';
import type { CocalcNotebookElement } from '../cocalc-notebook-element.js';
import { TokenBroker } from '../token-broker.js';
import { nextEvent, resetFake, sleep, waitForState } from '../test-helpers.js';

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('host controls (data-cocalc-*)', () => {
  beforeEach(resetFake);
  after(() => stopHostControls());

  it('disables buttons until their notebook is ready, then runs open/close with aria-pressed in sync', async () => {
    const page = await fixture<HTMLDivElement>(html`<div>
      <cocalc-notebook id="nb1" loading="click" path="intro.ipynb" token-endpoint="/fake/token/ok" .tokenBroker=${new TokenBroker()}></cocalc-notebook>
      <button data-cocalc-for="nb1" data-cocalc-action="open" data-cocalc-path="lab1.md">Lab 1</button>
      <button data-cocalc-for="nb1" data-cocalc-action="close" data-cocalc-path="lab1.md">Close lab 1</button>
      <button data-cocalc-for="nb1" data-cocalc-action="closeall">Close all</button>
    </div>`);
    const el = page.querySelector<CocalcNotebookElement>('cocalc-notebook')!;
    const [open, close, closeAll] = [...page.querySelectorAll('button')];
    await sleep(50);
    expect(open!.disabled && close!.disabled && closeAll!.disabled).to.equal(true);
    expect(open!.getAttribute('aria-pressed')).to.equal('false');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="facade"]')!.click();
    await waitForState(el, 'ready');
    expect(open!.disabled || close!.disabled || closeAll!.disabled).to.equal(false);

    const opened = nextEvent(open!, 'cocalc-control-result');
    open!.click();
    const result = await opened;
    expect(result.action).to.equal('open');
    expect(result.error).to.equal(undefined);
    expect(el.openFiles).to.include('lab1.md');
    expect(open!.getAttribute('aria-pressed')).to.equal('true');
    expect(close!.getAttribute('aria-pressed')).to.equal('true');

    const closed = nextEvent(close!, 'cocalc-control-result');
    close!.click();
    await closed;
    expect(el.openFiles).not.to.include('lab1.md');
    expect(open!.getAttribute('aria-pressed')).to.equal('false');

    closeAll!.click();
    await nextEvent(closeAll!, 'cocalc-control-result');
    expect(el.openFiles).to.deep.equal([]);
  });

  it('a status button dispatches cocalc-control-result carrying the kiosk status', async () => {
    const page = await fixture<HTMLDivElement>(html`<div>
      <cocalc-notebook id="nb2" path="intro.ipynb" token-endpoint="/fake/token/ok" .tokenBroker=${new TokenBroker()}></cocalc-notebook>
      <button data-cocalc-for="nb2" data-cocalc-action="status">Status</button>
    </div>`);
    const el = page.querySelector<CocalcNotebookElement>('cocalc-notebook')!;
    const button = page.querySelector('button')!;
    await waitForState(el, 'ready');
    await until(() => el.openFiles.includes('intro.ipynb'));
    const heard = nextEvent(button, 'cocalc-control-result');
    button.click();
    const result = await heard;
    expect(result.action).to.equal('status');
    expect(result.status!.connection.status).to.equal('connected');
    expect(result.status!.openFiles[el.projectId!]).to.include('intro.ipynb');
  });

  it('buttons added after ready are synced; a reload button also works from the error state', async () => {
    const page = await fixture<HTMLDivElement>(html`<div>
      <cocalc-notebook id="nb3" path="intro.ipynb" token-endpoint="/fake/token/401" .tokenBroker=${new TokenBroker()}></cocalc-notebook>
    </div>`);
    const el = page.querySelector<CocalcNotebookElement>('cocalc-notebook')!;
    await waitForState(el, 'error');
    const reload = document.createElement('button');
    reload.dataset.cocalcFor = 'nb3';
    reload.dataset.cocalcAction = 'reload';
    const open = document.createElement('button');
    open.dataset.cocalcFor = 'nb3';
    open.dataset.cocalcAction = 'open';
    open.dataset.cocalcPath = 'x.md';
    page.append(reload, open);
    await sleep(0);
    expect(reload.disabled).to.equal(false);
    expect(open.disabled).to.equal(true);
    el.tokenEndpoint = '/fake/token/ok';
    await waitForState(el, 'ready');
    expect(open.disabled).to.equal(false);
  });

  it('works for a notebook and buttons inside another shadow root', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = `<cocalc-notebook id="inner" path="intro.ipynb" token-endpoint="/fake/token/ok"></cocalc-notebook>
      <button data-cocalc-for="inner" data-cocalc-action="open" data-cocalc-path="inside.md">Open</button>`;
    const el = root.querySelector<CocalcNotebookElement>('cocalc-notebook')!;
    const button = root.querySelector('button')!;
    await waitForState(el, 'ready');
    await until(() => !button.disabled);
    button.click();
    await nextEvent(button, 'cocalc-control-result');
    expect(el.openFiles).to.include('inside.md');
    expect(button.getAttribute('aria-pressed')).to.equal('true');
  });

  it('a button for a missing notebook stays disabled', async () => {
    const page = await fixture<HTMLDivElement>(html`<div><button data-cocalc-for="nope" data-cocalc-action="status">S</button></div>`);
    await sleep(0);
    expect(page.querySelector('button')!.disabled).to.equal(true);
  });
});
