import { joinBasePath } from './app-base-path.js';

/**
 * The emulator's test controls that act in the browser (NOT CoCalc; all off by default). Read once
 * at boot from `GET {base}/__emulator/controls`; a test that changes them reloads the kiosk.
 */
export interface KioskControls {
  /** Delay every bridge reply by this many ms (replies keep their order). */
  readonly latencyMs: number;
  /** Drop this many of the next bridge replies (counted across reloads, see {@link saveKioskControls}). */
  readonly dropReplies: number;
  /** Never install the postMessage listener. */
  readonly neverReady: boolean;
  /** On the next `open`, reload the page right after posting `ack` (one shot). */
  readonly reloadMidRequest: boolean;
}

/** Every control off: CoCalc's own behaviour. */
export const NO_CONTROLS: KioskControls = Object.freeze({
  latencyMs: 0,
  dropReplies: 0,
  neverReady: false,
  reloadMidRequest: false,
});

/** Reads the controls; a missing endpoint or junk answer means "all off", never a crash. */
export async function fetchKioskControls(basePath: string): Promise<KioskControls> {
  try {
    const response = await fetch(joinBasePath(basePath, '/__emulator/controls'), { credentials: 'same-origin' });
    if (!response.ok) return NO_CONTROLS;
    return parseKioskControls(await response.json());
  } catch {
    return NO_CONTROLS;
  }
}

/** Validates a controls object; out-of-range or mistyped fields fall back to "off". */
export function parseKioskControls(value: unknown): KioskControls {
  const get = (key: string): unknown =>
    value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key)
      ? (value as Record<string, unknown>)[key]
      : undefined;
  const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
  return {
    latencyMs: Math.min(count(get('latencyMs')), 60_000),
    dropReplies: count(get('dropReplies')),
    neverReady: get('neverReady') === true,
    reloadMidRequest: get('reloadMidRequest') === true,
  };
}

/**
 * Writes back a consumed one-shot control (the remaining `dropReplies`, `reloadMidRequest:false`),
 * so that "the next N replies" / "the next open" stay true across the kiosk reloading itself.
 * Best effort: the emulator merges POSTed fields.
 */
export async function saveKioskControls(basePath: string, patch: Partial<KioskControls>): Promise<void> {
  try {
    await fetch(joinBasePath(basePath, '/__emulator/controls'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
      keepalive: true,
    });
  } catch {
    // The control is still applied in this page; only persistence across a reload is lost.
  }
}
