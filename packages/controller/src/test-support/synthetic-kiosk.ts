import { mountFrame } from './helpers.js';

/** One message the controller posted, with the targetOrigin it used. */
export interface PostedMessage {
  readonly data: unknown;
  readonly targetOrigin: unknown;
}

/**
 * A deterministic stand-in for the kiosk window: a same-origin `about:blank` iframe whose
 * `postMessage` is replaced by a spy and whose `contentDocument` reads `null` as a cross-origin
 * kiosk's does, and replies delivered as `MessageEvent`s on `window` with
 * the iframe's window as `source` and a chosen `origin`. The controller reads only
 * `event.source`, `event.origin` and `event.data`, so this exercises exactly its checks, without
 * timing noise. (Cross-origin behaviour is tested against real frames elsewhere.)
 */
export class SyntheticKiosk {
  readonly iframe: HTMLIFrameElement;
  readonly posted: PostedMessage[] = [];
  /** When set, answers every status request at once (like a live CoCalc listener). */
  autoStatus = false;

  constructor(readonly origin: string) {
    this.iframe = mountFrame();
    // To the controller the frame must look like a loaded cross-origin kiosk: it never posts to a
    // document it can read unless that document is at the kiosk origin (an about:blank is not).
    Object.defineProperty(this.iframe, 'contentDocument', { configurable: true, get: () => null });
    const win = this.iframe.contentWindow as Window;
    win.postMessage = ((data: unknown, targetOrigin: unknown) => {
      this.posted.push({ data, targetOrigin });
      if (this.autoStatus && isAction(data, 'status')) queueMicrotask(() => this.reply(statusLike()));
    }) as Window['postMessage'];
  }

  /** The iframe's window (the `source` of genuine replies). */
  get window(): Window {
    return this.iframe.contentWindow as Window;
  }

  /** Requests the controller posted with a given action. */
  requests(action?: string): unknown[] {
    return this.posted.map((p) => p.data).filter((d) => action === undefined || isAction(d, action));
  }

  /** Delivers `data` as if the kiosk posted it (right source, right origin unless overridden). */
  reply(data: unknown, overrides: { origin?: string; source?: MessageEventSource | null } = {}): void {
    window.dispatchEvent(
      new MessageEvent('message', {
        data,
        origin: overrides.origin ?? this.origin,
        source: overrides.source === undefined ? this.window : overrides.source,
      }),
    );
  }
}

function isAction(data: unknown, action: string): boolean {
  return typeof data === 'object' && data !== null && (data as { action?: unknown }).action === action;
}

function statusLike(): Record<string, unknown> {
  return { status: 'done', connection: { quality: 'good', status: 'connected', status_time: new Date(), ping: 1 }, open_files: {} };
}
