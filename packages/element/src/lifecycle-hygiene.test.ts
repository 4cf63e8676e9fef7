import { expect, fixture, html } from '@open-wc/testing';
import './define.js';
import type { CocalcNotebookElement } from './cocalc-notebook-element.js';
import { TokenBroker } from './token-broker.js';
import { sleep, waitForState } from './test-helpers.js';

/**
 * Counts live listeners and timers by wrapping the globals, so a leak shows up as a non-zero net
 * count after many mount/unmount cycles (docs/threat-model.md#kiosk-lifecycle, #goal-lifecycle-hygiene).
 */
function instrument() {
  const listeners = new Map<string, number>();
  const live = new Set<unknown>();
  // Kept unbound on purpose: they are put back as they were and only ever called with `.call`.
  /* eslint-disable @typescript-eslint/unbound-method -- see above */
  const originals = {
    add: EventTarget.prototype.addEventListener,
    remove: EventTarget.prototype.removeEventListener,
    setTimeout: window.setTimeout,
    clearTimeout: window.clearTimeout,
  };
  /* eslint-enable @typescript-eslint/unbound-method */
  const tracked = new WeakMap<object, Set<string>>();
  const key = (target: EventTarget, type: string): string =>
    `${target === window ? 'window' : target === document ? 'document' : 'other'}:${type}`;
  EventTarget.prototype.addEventListener = function (this: EventTarget, type, listener, options) {
    const signal = typeof options === 'object' ? options?.signal : undefined;
    if (listener && (this === window || this === document) && !signal?.aborted) {
      const id = `${type}:${typeof options === 'object' ? Boolean(options.capture) : Boolean(options)}`;
      const seen = tracked.get(listener as object) ?? new Set<string>();
      if (!seen.has(id + key(this, ''))) {
        seen.add(id + key(this, ''));
        tracked.set(listener as object, seen);
        listeners.set(key(this, type), (listeners.get(key(this, type)) ?? 0) + 1);
        signal?.addEventListener('abort', () => {
          if (seen.delete(id + key(this, ''))) listeners.set(key(this, type), listeners.get(key(this, type))! - 1);
        });
      }
    }
    return originals.add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (this: EventTarget, type, listener, options) {
    if (listener && (this === window || this === document)) {
      const id = `${type}:${typeof options === 'object' ? Boolean(options.capture) : Boolean(options)}`;
      if (tracked.get(listener as object)?.delete(id + key(this, ''))) {
        listeners.set(key(this, type), listeners.get(key(this, type))! - 1);
      }
    }
    return originals.remove.call(this, type, listener, options);
  };
  window.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = originals.setTimeout.call(
      window,
      (...a: unknown[]) => {
        live.delete(id);
        if (typeof handler === 'function') (handler as (...x: unknown[]) => void)(...a);
      },
      ms,
      ...args,
    );
    live.add(id);
    return id;
  }) as typeof window.setTimeout;
  window.clearTimeout = ((id?: number) => {
    live.delete(id);
    originals.clearTimeout.call(window, id);
  }) as typeof window.clearTimeout;
  return {
    listeners: () => Object.fromEntries([...listeners].filter(([, n]) => n !== 0)),
    timers: () => live.size,
    restore() {
      EventTarget.prototype.addEventListener = originals.add;
      EventTarget.prototype.removeEventListener = originals.remove;
      window.setTimeout = originals.setTimeout;
      window.clearTimeout = originals.clearTimeout;
    },
  };
}

describe('<cocalc-notebook> lifecycle hygiene', () => {
  it('200 mount/unmount cycles leave no window/document listeners and no timers behind', async function () {
    this.timeout(120_000);
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    const broker = new TokenBroker();
    const probe = instrument();
    try {
      const baselineTimers = probe.timers();
      for (let i = 0; i < 200; i++) {
        const el = document.createElement('cocalc-notebook') as CocalcNotebookElement;
        el.path = `cycle-${i % 3}.md`;
        el.tokenEndpoint = '/fake/token/ok';
        el.tokenBroker = broker;
        el.readyTimeout = 5_000;
        container.append(el);
        // Alternate how far each cycle gets: mid-token, mid-load (controller live), ready.
        if (i % 3 === 1) await waitForState(el, 'loading');
        if (i % 3 === 2) await waitForState(el, 'ready');
        // The probe does see what a live element holds (the controller's window 'message' listener).
        if (i === 2) expect(probe.listeners()['window:message']).to.be.at.least(1);
        el.remove();
        expect(el.controller).to.equal(undefined);
      }
      await sleep(50);
      expect(probe.listeners()).to.deep.equal({});
      expect(probe.timers() - baselineTimers).to.equal(0);
    } finally {
      probe.restore();
    }
  });

  it('a removed element rejects ready with DESTROYED and stops announcing', async () => {
    const el = document.createElement('cocalc-notebook');
    el.path = 'a.md';
    el.tokenProvider = () => new Promise(() => undefined);
    document.body.append(el);
    const ready = el.ready;
    const events: string[] = [];
    el.addEventListener('cocalc-state-change', (e) => events.push(e.state));
    el.remove();
    let code: string | undefined;
    await ready.catch((e: { code: string }) => (code = e.code));
    expect(code).to.equal('DESTROYED');
    expect(el.state).to.equal('idle');
    expect(events).to.deep.equal([]);
  });
});
