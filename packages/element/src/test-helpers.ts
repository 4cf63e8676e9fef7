// Shared helpers for the browser tests (not part of the package API; excluded from the manifest).
import type { CocalcNotebookElement } from './cocalc-notebook-element.js';
import type { NotebookState } from './notebook-state.js';

/** The fake CoCalc's bookkeeping (see test/fake-cocalc.mjs). */
export interface FakeState {
  tokenRequests: Record<string, number>;
  kioskLoads: Array<{ url: string; referer: string; signedIn: boolean }>;
  impersonateLoads: number;
  lastTokenRequest: { method: string; contentType: string; embedHeader: string; body: string } | null;
}

export async function fakeState(): Promise<FakeState> {
  return (await fetch('/fake/__state')).json() as Promise<FakeState>;
}

export async function resetFake(): Promise<void> {
  await fetch('/fake/__reset');
}

/** Resolves when `el` enters `state` (at once if it is there); rejects after `ms`. */
export function waitForState(el: CocalcNotebookElement, state: NotebookState, ms = 10_000): Promise<void> {
  if (el.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      el.removeEventListener('cocalc-state-change', on);
      reject(new Error(`timed out waiting for state ${state}; still ${el.state} (${el.error?.code ?? 'no error'})`));
    }, ms);
    const on = (): void => {
      if (el.state !== state) return;
      clearTimeout(timer);
      el.removeEventListener('cocalc-state-change', on);
      resolve();
    };
    el.addEventListener('cocalc-state-change', on);
  });
}

/** Records every state the element enters. */
export function recordStates(el: EventTarget): NotebookState[] {
  const seen: NotebookState[] = [];
  el.addEventListener('cocalc-state-change', (event) => seen.push((event as Event & { state: NotebookState }).state));
  return seen;
}

export function frames(el: CocalcNotebookElement): HTMLIFrameElement[] {
  return [...el.shadowRoot!.querySelectorAll('iframe')];
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `oneEvent`, typed by the event map. */
export function nextEvent<K extends keyof GlobalEventHandlersEventMap>(target: EventTarget, type: K): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => {
    target.addEventListener(type, (event) => resolve(event as GlobalEventHandlersEventMap[K]), { once: true });
  });
}
