import { expect } from '@open-wc/testing';
import type { KioskController } from '@cocalc-embed/controller';
import { CocalcError } from '@cocalc-embed/protocol';
import { ReadyPromise } from './ready-promise.js';

/** Stand-ins: ReadyPromise only passes the controller through. */
const first = { name: 'first' } as unknown as KioskController;
const second = { name: 'second' } as unknown as KioskController;

/** Where a promise stands now: a sentinel raced against it wins only while it is pending. */
async function settlement(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const pending = Symbol('pending');
  try {
    return (await Promise.race([promise, Promise.resolve(pending)])) === pending ? 'pending' : 'resolved';
  } catch {
    return 'rejected';
  }
}

describe('ReadyPromise (the element’s ready across sessions)', () => {
  it('callers waiting while a new session starts keep their promise and get the new kiosk', async () => {
    const ready = new ReadyPromise();
    const waiting = ready.promise;
    ready.next(); // a reload before the first session was ready
    expect(ready.promise).to.equal(waiting);
    ready.resolve(first);
    expect(await waiting).to.equal(first);
  });

  it('once resolved, the next session hands out a fresh promise; the resolved one keeps its value', async () => {
    const ready = new ReadyPromise();
    ready.resolve(first);
    const resolved = ready.promise;
    ready.resolve(second); // a kiosk reload answers again: changes nothing
    expect(await resolved).to.equal(first);
    ready.next();
    expect(ready.promise).not.to.equal(resolved);
    expect(await settlement(ready.promise)).to.equal('pending');
    ready.resolve(second);
    expect(await ready.promise).to.equal(second);
  });

  it('a failure rejects the promise callers hold, and later callers wait for the next session', async () => {
    const ready = new ReadyPromise();
    const held = ready.promise;
    const failure = new CocalcError('TOKEN_UNAVAILABLE', 'no token');
    ready.reject(failure);
    let reason: unknown;
    await held.catch((error: unknown) => (reason = error));
    expect(reason).to.equal(failure);
    expect(await settlement(ready.promise)).to.equal('pending');
    ready.resolve(first);
    expect(await ready.promise).to.equal(first);
  });

  it('a failure before anyone asked leaves nothing rejected behind', async () => {
    const ready = new ReadyPromise();
    ready.reject(new CocalcError('DESTROYED', 'removed'));
    expect(await settlement(ready.promise)).to.equal('pending');
  });

  it('a rejection nobody awaits is not reported as unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (event: PromiseRejectionEvent): void => void unhandled.push(event.reason);
    window.addEventListener('unhandledrejection', onUnhandled);
    try {
      const ready = new ReadyPromise();
      void ready.promise; // handed out, never awaited
      ready.reject(new CocalcError('DESTROYED', 'removed'));
      // Browsers report unhandled rejections after the microtask queue drains, on a later task.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).to.deep.equal([]);
    } finally {
      window.removeEventListener('unhandledrejection', onUnhandled);
    }
  });
});
