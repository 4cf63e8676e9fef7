/**
 * Test-only helpers for the browser conformance suites (not part of the kiosk app): fixtures
 * served by the WTR config, emulator controls, a kiosk iframe wrapper that records what the kiosk
 * posts, and Playwright-side access to the cross-origin frame through a WTR server command.
 */

/** What `/__fixture/<name>` serves (see web-test-runner.config.mjs). */
export interface Fixture {
  readonly name: EmulatorName;
  /** The emulator's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The test page's origin (`http://localhost:8003`). */
  readonly pageOrigin: string;
  readonly accounts: { readonly alice: string; readonly bob: string };
  readonly projects: { readonly running: string; readonly stopped: string; readonly bobs: string };
  /** The attributes of `url` era's sign-in cookie as this emulator sets it (lower-case SameSite). */
  readonly signInCookie: { readonly sameSite: string; readonly secure: boolean };
}

/** The emulators the WTR config starts. */
export type EmulatorName = 'dev' | 'crosssite' | 'strict' | 'modern';

/** Loads the fixture of one emulator. */
export async function fixture(name: EmulatorName = 'dev'): Promise<Fixture> {
  const response = await fetch(`/__fixture/${name}`);
  return { name, ...((await response.json()) as Omit<Fixture, 'name'>) };
}

/** A fresh auth token for a seeded account, minted in-process by `admin.mintAuthToken`. */
export async function freshToken(fx: Fixture, account: 'alice' | 'bob' = 'alice'): Promise<string> {
  const response = await fetch(`/__fixture/${fx.name}/token?account=${account}`);
  return ((await response.json()) as { token: string }).token;
}

/** Sets kiosk controls over the emulator's HTTP endpoint (CORS `*` there). */
export async function setControls(fx: Fixture, patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${fx.url}/__emulator/controls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  if (!response.ok) throw new Error(`controls: HTTP ${response.status} ${await response.text()}`);
}

/** Reads the controls back (to see one-shot controls consumed). */
export async function getControls(fx: Fixture): Promise<Record<string, unknown>> {
  return (await (await fetch(`${fx.url}/__emulator/controls`)).json()) as Record<string, unknown>;
}

/** Turns every control off (in-process, through the fixture middleware). */
export async function resetControls(fx: Fixture): Promise<void> {
  await fetch(`/__fixture/${fx.name}/reset`);
}

/** Runs a Playwright-side operation on the kiosk frame (see the `kiosk-frame` command in the WTR config). */
export async function frameCommand<T>(payload: Record<string, unknown>): Promise<T> {
  const sessionId = new URL(location.href).searchParams.get('wtr-session-id');
  const socketModule = '/__web-dev-server__web-socket.js';
  const { sendMessageWaitForResponse } = (await import(/* @vite-ignore */ socketModule)) as {
    sendMessageWaitForResponse: (m: unknown) => Promise<{ executed: boolean; result: { value: T } }>;
  };
  const response = await sendMessageWaitForResponse({ type: 'wtr-command', sessionId, command: 'kiosk-frame', payload });
  if (!response.executed) throw new Error('kiosk-frame command not installed');
  return response.result.value;
}

/** A browser engine the suites run in. */
export type Engine = 'chromium' | 'firefox' | 'webkit';

/**
 * The engine running this test, from the user agent. For the few facts that genuinely differ
 * between engines (cookie policies): tests assert each engine's own behaviour instead of skipping.
 */
export function engine(): Engine {
  const ua = navigator.userAgent;
  if (/Firefox\//.test(ua)) return 'firefox';
  if (/Chrom(e|ium)\//.test(ua)) return 'chromium';
  if (/AppleWebKit\//.test(ua)) return 'webkit';
  throw new Error(`unknown engine: ${ua}`);
}

/** Waits until `check` returns a truthy value, polling every `everyMs`. */
export async function until<T>(check: () => T | Promise<T>, timeoutMs = 8000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** A promise that resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One message the kiosk posted to this page. */
export interface Received {
  readonly data: unknown;
  readonly origin: string;
  readonly fromKiosk: boolean;
  readonly at: number;
}

/** An iframe pointing at the kiosk, with a log of every message this page receives from it. */
export class KioskFrame {
  readonly iframe: HTMLIFrameElement;
  readonly received: Received[] = [];
  readonly origin: string;
  loads = 0;
  private readonly onMessage = (event: MessageEvent): void => {
    this.received.push({
      data: event.data,
      origin: event.origin,
      fromKiosk: event.source === this.iframe.contentWindow,
      at: performance.now(),
    });
  };

  constructor(readonly src: string) {
    this.origin = new URL(src).origin;
    this.iframe = document.createElement('iframe');
    this.iframe.title = 'kiosk under test';
    this.iframe.style.width = '800px';
    this.iframe.style.height = '600px';
    this.iframe.addEventListener('load', () => void (this.loads += 1));
    window.addEventListener('message', this.onMessage);
  }

  /** Appends the iframe and resolves on its first `load`. */
  async open(): Promise<this> {
    const loaded = new Promise<void>((resolve) => this.iframe.addEventListener('load', () => resolve(), { once: true }));
    this.iframe.src = this.src;
    document.body.appendChild(this.iframe);
    await loaded;
    return this;
  }

  /** Posts to the kiosk with targetOrigin = the kiosk's origin (never `"*"`). */
  post(data: unknown): void {
    this.iframe.contentWindow!.postMessage(data, this.origin);
  }

  /** Bridge replies (anything but project-log messages) received from the kiosk so far. */
  replies(): Record<string, unknown>[] {
    return this.received
      .filter((r) => r.fromKiosk && !isProjectLog(r.data))
      .map((r) => r.data as Record<string, unknown>);
  }

  /** Project-log messages received from the kiosk so far. */
  projectLogs(): Record<string, unknown>[] {
    return this.received.filter((r) => r.fromKiosk && isProjectLog(r.data)).map((r) => r.data as Record<string, unknown>);
  }

  /**
   * CoCalc sends no ready message, so — like a real host — probe with `status` until one is
   * answered, then let stragglers arrive and forget them.
   */
  async waitForListener(timeoutMs = 10000): Promise<void> {
    const before = this.replies().length;
    await until(() => {
      if (this.replies().length > before) return true;
      this.post({ action: 'status' });
      return false;
    }, timeoutMs, 150);
    await sleep(300);
    this.clear();
  }

  /** Posts `data` and resolves with the next `count` replies. */
  async request(data: unknown, count = 1, timeoutMs = 8000): Promise<Record<string, unknown>[]> {
    const start = this.replies().length;
    this.post(data);
    await until(() => this.replies().length >= start + count, timeoutMs);
    return this.replies().slice(start, start + count);
  }

  /** Forgets every message received so far. */
  clear(): void {
    this.received.length = 0;
  }

  /** Removes the iframe and stops listening. */
  close(): void {
    window.removeEventListener('message', this.onMessage);
    this.iframe.remove();
  }
}

function isProjectLog(data: unknown): boolean {
  return data !== null && typeof data === 'object' && (data as { source?: unknown }).source === 'cocalc-project-log';
}

/** The canonical kiosk URL CoCalc generates, optionally with an era-C token. */
export function kioskFileUrl(fx: Fixture, projectId: string, path: string, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ ...extra, session: '', fullscreen: 'kiosk' });
  return `${fx.url}/projects/${projectId}/files/${path.split('/').map(encodeURIComponent).join('/')}?${query}`;
}

/** Evaluates `expression` inside the cross-origin kiosk frame at `origin` (through Playwright). */
export function frameEval<T>(origin: string, expression: string): Promise<T> {
  return frameCommand<T>({ op: 'eval', origin, expression });
}

/**
 * Waits for the kiosk banner, then probes with `status` for about 1.3 s and returns whether
 * anything answered and whether the bridge listener was attached (`window.__cocalcEmulator`).
 */
export async function probeSilentKiosk(frame: KioskFrame, origin: string): Promise<{ replies: unknown[]; listener: unknown }> {
  await until(() => frameEval<boolean>(origin, "!!document.querySelector('header.kiosk-banner')"));
  for (let i = 0; i < 10; i++) {
    frame.post({ action: 'status' });
    await sleep(100);
  }
  await sleep(300);
  return { replies: frame.replies(), listener: await frameEval(origin, 'window.__cocalcEmulator ?? null') };
}
