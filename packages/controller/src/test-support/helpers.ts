import { CocalcError, type CocalcErrorCode } from '@cocalc-embed/protocol';

/** What the WTR config serves on /__fixture. */
export interface Fixture {
  fakeOrigin: string;
  fakeUrl: string;
  fakeAltUrl: string;
  attackerUrl: string;
  foreignOrigin: string;
  emulator: { url: string; origin: string; projectId: string; accountId: string; files: string[]; token: string };
}

/** Fetches fixtures (a fresh emulator token each time). */
export async function fixture(): Promise<Fixture> {
  const response = await fetch('/__fixture');
  return (await response.json()) as Fixture;
}

/** Sets emulator test controls (kiosk ones take effect on the next kiosk load); 'reset' turns them off. */
export async function emulatorControls(patch: Record<string, unknown> | 'reset'): Promise<void> {
  const response = await fetch('/__emulator-controls', { method: 'POST', body: patch === 'reset' ? 'reset' : JSON.stringify(patch) });
  if (!response.ok) throw new Error(`controls: HTTP ${response.status}`);
}

const mounted: HTMLIFrameElement[] = [];

/** Appends an iframe (removed by {@link removeFrames}). */
export function mountFrame(src?: string, attributes: Record<string, string> = {}): HTMLIFrameElement {
  const iframe = document.createElement('iframe');
  for (const [name, value] of Object.entries(attributes)) iframe.setAttribute(name, value);
  if (src !== undefined) iframe.src = src;
  document.body.append(iframe);
  mounted.push(iframe);
  return iframe;
}

/** Removes every iframe mounted by the tests. */
export function removeFrames(): void {
  for (const iframe of mounted.splice(0)) iframe.remove();
}

/** Resolves on the iframe's next load event. */
export function nextLoad(iframe: HTMLIFrameElement): Promise<void> {
  return new Promise((resolve) => iframe.addEventListener('load', () => resolve(), { once: true }));
}

/** Polls `condition` until true or fails after `timeout` ms. */
export async function waitFor(condition: () => boolean, timeout = 5_000, what = 'condition'): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Sleeps `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs queued microtasks and one fast macrotask turn (a MessageChannel hop, no 4 ms timer clamp). */
export function flush(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}

/** Asserts that `promise` rejects with a CocalcError of `code`, and returns it. */
export async function rejectsWith(promise: Promise<unknown>, code: CocalcErrorCode): Promise<CocalcError> {
  try {
    await promise;
  } catch (error) {
    if (!CocalcError.is(error)) throw new Error(`expected CocalcError ${code}, got ${String(error)}`);
    if (error.code !== code) throw new Error(`expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  throw new Error(`expected rejection with ${code}, but it resolved`);
}

/** Whether a promise has settled yet (checked after a flush). */
export function track<T>(promise: Promise<T>): { settled: boolean; value?: T; error?: unknown } {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/** Sends a control message to the fake kiosk (test double) in `iframe`. */
export function fakeControl(iframe: HTMLIFrameElement, origin: string, message: Record<string, unknown>): void {
  iframe.contentWindow!.postMessage(message, origin);
}

/** Sends a control message to the fake kiosk and waits until it processed it (it echoes `received`). */
export async function fakeControlSync(iframe: HTMLIFrameElement, origin: string, message: Record<string, unknown>): Promise<void> {
  iframe.contentWindow!.postMessage(message, origin);
  await fakeReceived(iframe, origin);
}

/** Asks the fake kiosk which bridge requests it received, in order. */
export function fakeReceived(iframe: HTMLIFrameElement, origin: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fake kiosk did not answer')), 3_000);
    const onMessage = (event: MessageEvent) => {
      const data: unknown = event.data;
      if (event.source !== iframe.contentWindow || typeof data !== 'object' || data === null || !('__fakeReceived' in data)) return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(data.__fakeReceived as unknown[]);
    };
    window.addEventListener('message', onMessage);
    iframe.contentWindow!.postMessage({ __fake: 'received' }, origin);
  });
}

/** A well-formed status reply. */
export function statusReply(ping = 10, openFiles: Record<string, string[]> = {}): Record<string, unknown> {
  return { status: 'done', connection: { quality: 'good', status: 'connected', status_time: new Date(), ping }, open_files: openFiles };
}

/**
 * A synthetic `message` event that claims `source` — what any script on the page can forge.
 * Firefox's MessageEvent constructor refuses a cross-origin WindowProxy as `source` (TypeError),
 * but a script can still shadow the `source` getter on its own event object, so that is the
 * forgery there; Chromium and WebKit accept the constructor argument.
 */
export function forgedMessage(init: { data: unknown; origin: string; source: Window | null }): MessageEvent {
  try {
    return new MessageEvent('message', init);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const event = new MessageEvent('message', { data: init.data, origin: init.origin });
    Object.defineProperty(event, 'source', { value: init.source });
    return event;
  }
}
