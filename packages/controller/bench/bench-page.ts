// Host-page side of the controller benchmark (bundled by controller-bench.ts with esbuild).
import { KioskController } from '../src/index.js';

let current: { iframe: HTMLIFrameElement; controller: KioskController } | undefined;

function mount(origin: string, src: string) {
  current?.controller.destroy();
  current?.iframe.remove();
  const iframe = document.createElement('iframe');
  iframe.src = src;
  document.body.append(iframe);
  const controller = KioskController.connect(iframe, { origin });
  current = { iframe, controller };
  return current;
}

/** One bare status round trip with postMessage, no controller. */
function rawStatus(iframe: HTMLIFrameElement, origin: string): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    const onMessage = (event: MessageEvent) => {
      if (event.source !== iframe.contentWindow || event.origin !== origin) return;
      const data: unknown = event.data;
      if (typeof data !== 'object' || data === null || !('status' in data) || data.status !== 'done' || !('connection' in data)) return;
      window.removeEventListener('message', onMessage);
      resolve(performance.now() - start);
    };
    window.addEventListener('message', onMessage);
    iframe.contentWindow!.postMessage({ action: 'status' }, origin);
  });
}

const bench = {
  /** Signs in (the kiosk reloads once), then measures n controller and n raw status round trips, interleaved. */
  async rtt(origin: string, signInUrl: string, url: string, n: number) {
    const first = mount(origin, signInUrl);
    // The `url`-era sign-in reloads the kiosk; wait until a connection is ready and connected.
    for (;;) {
      await first.controller.ready.catch(() => undefined);
      const s = await first.controller.status().catch(() => undefined);
      if (s?.connection.status === 'connected') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const { iframe, controller } = mount(origin, url);
    await controller.ready;
    await new Promise((r) => setTimeout(r, 100));
    const controllerTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      await controller.status();
      await rawStatus(iframe, origin);
    }
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await controller.status();
      controllerTimes.push(performance.now() - start);
      rawTimes.push(await rawStatus(iframe, origin));
    }
    return { controller: controllerTimes, raw: rawTimes };
  },
  /** Loads a fresh kiosk iframe and returns the epoch ms at which `ready` resolved. */
  async load(origin: string, url: string): Promise<number> {
    const { controller } = mount(origin, url);
    await controller.ready;
    return performance.timeOrigin + performance.now();
  },
};

/** The page's window as controller-bench.ts drives it. */
export type BenchWindow = { bench: typeof bench };

(window as unknown as BenchWindow).bench = bench;
