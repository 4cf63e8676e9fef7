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

/** How long the kiosk may take to sign in (one reload) before the benchmark gives up. */
const SIGN_IN_DEADLINE_MS = 30_000;
/** How long one bare round trip may take before the benchmark gives up, rather than wait forever. */
const RAW_REPLY_DEADLINE_MS = 5_000;

/** One bare status round trip with postMessage, no controller. Rejects when no reply comes. */
function rawStatus(iframe: HTMLIFrameElement, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      reject(new Error(`bare status: no reply from ${origin} within ${RAW_REPLY_DEADLINE_MS} ms`));
    }, RAW_REPLY_DEADLINE_MS);
    const onMessage = (event: MessageEvent) => {
      if (event.source !== iframe.contentWindow || event.origin !== origin) return;
      const data: unknown = event.data;
      if (typeof data !== 'object' || data === null || !('status' in data) || data.status !== 'done' || !('connection' in data)) return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(performance.now() - start);
    };
    window.addEventListener('message', onMessage);
    iframe.contentWindow!.postMessage({ action: 'status' }, origin);
  });
}

/**
 * Waits until the kiosk in `controller`'s frame answers as signed in. Throws, naming what it saw
 * last, when that does not happen within {@link SIGN_IN_DEADLINE_MS}: a kiosk that stays signed
 * out (e.g. its sign-in cookie refused in a cross-site frame) would otherwise keep this loop
 * polling for ever.
 */
async function signedIn(controller: KioskController): Promise<void> {
  const deadline = performance.now() + SIGN_IN_DEADLINE_MS;
  let last = 'no status yet';
  while (performance.now() < deadline) {
    // A READY_TIMEOUT leaves the controller 'failed' until the next load; probe again.
    if (controller.state === 'failed') controller.reconnect();
    try {
      await controller.ready;
      const status = await controller.status();
      if (status.connection.status === 'connected') return;
      last = `connection ${status.connection.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the kiosk did not sign in within ${SIGN_IN_DEADLINE_MS} ms (last: ${last})`);
}

const bench = {
  /**
   * Signs in (the kiosk reloads once), then times `rounds` rounds of `perRound` controller and
   * `perRound` bare status round trips, interleaved (which goes first alternates), and returns
   * each round's mean per call. One round trip to a same-site frame takes less than the
   * browser's timer resolution (100 µs without cross-origin isolation), so a single call cannot
   * be timed on its own.
   */
  async rtt(origin: string, signInUrl: string, url: string, rounds: number, perRound: number) {
    // The `url`-era sign-in reloads the kiosk; wait until a connection is ready and connected.
    await signedIn(mount(origin, signInUrl).controller);
    const { iframe, controller } = mount(origin, url);
    await controller.ready;
    const status = await controller.status();
    if (status.connection.status !== 'connected') throw new Error(`the kiosk is ${status.connection.status} after sign-in`);
    const controllerRound = async (): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < perRound; i++) await controller.status();
      return (performance.now() - start) / perRound;
    };
    const rawRound = async (): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < perRound; i++) await rawStatus(iframe, origin);
      return (performance.now() - start) / perRound;
    };
    // Warm-up, not counted.
    await controllerRound();
    await rawRound();
    const controllerTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let round = 0; round < rounds; round++) {
      if (round % 2) {
        rawTimes.push(await rawRound());
        controllerTimes.push(await controllerRound());
      } else {
        controllerTimes.push(await controllerRound());
        rawTimes.push(await rawRound());
      }
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
