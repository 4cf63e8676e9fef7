import { expect, fixture, html } from '@open-wc/testing';
import type { CocalcNotebookElement } from '../cocalc-notebook-element.js';
import type { CocalcReadyEvent } from '../events/cocalc-ready-event.js';
import { resetFake, waitForState } from '../test-helpers.js';

interface ReactBundle {
  React: typeof import('react');
  createRoot: typeof import('react-dom/client').createRoot;
  flushSync: typeof import('react-dom').flushSync;
  CocalcNotebook: typeof import('./index.js').CocalcNotebook;
  TokenBroker: typeof import('../token-broker.js').TokenBroker;
}

describe('React wrapper (@lit/react)', () => {
  beforeEach(resetFake);

  it('renders <cocalc-notebook>, sets properties, and delivers typed events to onCocalc… props', async () => {
    const url = '/__react-bundle.js';
    const { React, createRoot, flushSync, CocalcNotebook, TokenBroker } = (await import(/* @vite-ignore */ url)) as ReactBundle;
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = createRoot(container);
    const readies: CocalcReadyEvent[] = [];
    const states: string[] = [];
    const broker = new TokenBroker();
    flushSync(() =>
      root.render(
        React.createElement(CocalcNotebook, {
          path: 'intro.ipynb',
          tokenEndpoint: '/fake/token/ok',
          tokenBroker: broker,
          onCocalcReady: (event: CocalcReadyEvent) => readies.push(event),
          onCocalcStateChange: (event) => states.push(event.state),
        }),
      ),
    );
    const el = container.querySelector('cocalc-notebook') as CocalcNotebookElement;
    expect(el).to.not.equal(null);
    expect(el.tokenBroker).to.equal(broker);
    expect(el.hasAttribute('tokenBroker')).to.equal(false);
    await waitForState(el, 'ready');
    expect(readies).to.have.length(1);
    expect(readies[0]!.controller).to.equal(el.controller);
    expect(states).to.include('ready');
    // Re-rendering with a new path opens it in the running kiosk.
    flushSync(() => root.render(React.createElement(CocalcNotebook, { path: 'second.md', tokenEndpoint: '/fake/token/ok', tokenBroker: broker })));
    await el.updateComplete;
    expect((await el.pathOpened!).path).to.equal('second.md');
    root.unmount();
    expect(el.isConnected).to.equal(false);
    expect(el.controller).to.equal(undefined);
  });
});
