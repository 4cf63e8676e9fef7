import { expect } from '@open-wc/testing';
import { abortable } from './abortable.js';

const aborted = (): Error => new Error('aborted');
const timedOut = (): Error => new Error('timed out');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('abortable()', () => {
  it("settles with the task's result and leaves its signal alone", async () => {
    let inner: AbortSignal | undefined;
    const value = await abortable(async (signal) => ((inner = signal), 42), { signal: new AbortController().signal, aborted });
    expect(value).to.equal(42);
    expect(inner!.aborted).to.equal(false);
  });

  it("rejects with aborted() when the caller's signal aborts, and aborts the task's signal", async () => {
    const caller = new AbortController();
    let inner: AbortSignal | undefined;
    const pending = abortable((signal) => ((inner = signal), new Promise(() => undefined)), { signal: caller.signal, aborted });
    caller.abort();
    expect(((await rejection(pending)) as Error).message).to.equal('aborted');
    expect(inner!.aborted).to.equal(true);
  });

  it('an already aborted signal rejects without running the task', async () => {
    const caller = new AbortController();
    caller.abort();
    let ran = false;
    const error = await rejection(abortable(async () => void (ran = true), { signal: caller.signal, aborted }));
    expect((error as Error).message).to.equal('aborted');
    expect(ran).to.equal(false);
  });

  it('rejects with timedOut() after timeoutMs and aborts the task, even one that ignores its signal', async () => {
    let inner: AbortSignal | undefined;
    const error = await rejection(abortable((signal) => ((inner = signal), new Promise(() => undefined)), { aborted, timeoutMs: 20, timedOut }));
    expect((error as Error).message).to.equal('timed out');
    expect(inner!.aborted).to.equal(true);
  });

  it('a task that throws synchronously rejects like one that rejects', async () => {
    const error = await rejection(
      abortable(() => {
        throw new Error('boom');
      }, { aborted }),
    );
    expect((error as Error).message).to.equal('boom');
  });

  it("removes its listener from the caller's signal once settled", async () => {
    const caller = new AbortController();
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const add = caller.signal.addEventListener.bind(caller.signal);
    const remove = caller.signal.removeEventListener.bind(caller.signal);
    caller.signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
      added.push(listener);
      add(type, listener, options);
    }) as typeof caller.signal.addEventListener;
    caller.signal.removeEventListener = ((type: string, listener: EventListener) => {
      removed.push(listener);
      remove(type, listener);
    }) as typeof caller.signal.removeEventListener;
    await abortable(async () => 1, { signal: caller.signal, aborted });
    expect(added).to.have.length(1);
    expect(removed).to.deep.equal(added);
  });
});
