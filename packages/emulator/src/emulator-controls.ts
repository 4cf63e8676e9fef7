/**
 * How every HTTP API endpoint (v1, v2, conat) answers while the `upstream` control is set. Not
 * CoCalc: a test knob to play the failures a real deployment's proxy produces.
 */
export const UPSTREAM_MODES = ['ok', '500', 'html', 'slow', 'reset'] as const;
/** One of {@link UPSTREAM_MODES}. */
export type UpstreamMode = (typeof UPSTREAM_MODES)[number];

/**
 * The test controls (NOT CoCalc; emulator-interface.md). All are off by default. The kiosk app
 * reads the kiosk ones once at boot; the server reads the server ones on every request.
 */
export interface EmulatorControlValues {
  /** Kiosk: delay every bridge reply by this many ms. */
  latencyMs: number;
  /** Kiosk: drop the next N bridge replies. */
  dropReplies: number;
  /** Kiosk: never install the message listener. */
  neverReady: boolean;
  /**
   * Kiosk: the emulator's old order — the listener goes live only after the document's `load`,
   * already `connected`. Off (the default) is what CoCalc does: the listener is live while the app
   * script runs, before `load`, and first answers `connecting` without `status_time`.
   */
  bridgeAfterLoad: boolean;
  /** Kiosk: on the next `open`, reload the page after sending `ack`. */
  reloadMidRequest: boolean;
  /** Server: treat every auth token as expired. */
  expireTokens: boolean;
  /**
   * Server: treat every sign-in session (`remember_me`) as expired, as CoCalc does once its 12 h
   * have run out: the kiosk is signed out until a fresh token signs it in again.
   */
  expireSessions: boolean;
  /** Server: delay every API answer by this many ms. */
  apiLatencyMs: number;
  /** Server: how every API endpoint answers. */
  upstream: UpstreamMode;
}

/** The values every control has at start and after a reset: everything off. */
export const DEFAULT_CONTROLS: Readonly<EmulatorControlValues> = Object.freeze({
  latencyMs: 0,
  dropReplies: 0,
  neverReady: false,
  bridgeAfterLoad: false,
  reloadMidRequest: false,
  expireTokens: false,
  expireSessions: false,
  apiLatencyMs: 0,
  upstream: 'ok',
});

const MAX_DELAY_MS = 10 * 60 * 1000;

/**
 * The live test controls of one emulator, shared by the HTTP endpoints (`/__emulator/controls`)
 * and in-process callers. Updates are validated field by field; a bad patch changes nothing.
 */
export class EmulatorControls {
  private values: EmulatorControlValues = { ...DEFAULT_CONTROLS };

  /** A snapshot of the current values. */
  get(): EmulatorControlValues {
    return { ...this.values };
  }

  /**
   * Merges `patch` into the current values and returns the result. Throws a `TypeError` naming
   * the field when a field is unknown or has the wrong type, leaving the values unchanged.
   */
  set(patch: unknown): EmulatorControlValues {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new TypeError('controls must be a JSON object');
    }
    const next: EmulatorControlValues = { ...this.values };
    for (const [key, value] of Object.entries(patch)) {
      switch (key) {
        case 'latencyMs':
        case 'apiLatencyMs':
        case 'dropReplies':
          if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DELAY_MS) {
            throw new TypeError(`${key} must be an integer between 0 and ${MAX_DELAY_MS}`);
          }
          next[key] = value;
          break;
        case 'neverReady':
        case 'bridgeAfterLoad':
        case 'reloadMidRequest':
        case 'expireTokens':
        case 'expireSessions':
          if (typeof value !== 'boolean') throw new TypeError(`${key} must be a boolean`);
          next[key] = value;
          break;
        case 'upstream':
          if (!(UPSTREAM_MODES as readonly unknown[]).includes(value)) {
            throw new TypeError(`upstream must be one of ${UPSTREAM_MODES.join(', ')}`);
          }
          next.upstream = value as UpstreamMode;
          break;
        default:
          throw new TypeError(`unknown control '${key}'`);
      }
    }
    this.values = next;
    return this.get();
  }

  /** Turns every control off again. */
  reset(): EmulatorControlValues {
    this.values = { ...DEFAULT_CONTROLS };
    return this.get();
  }
}
