/** Timing of readiness probes; every field optional (see {@link ProbeSchedule}). */
export interface ProbeOptions {
  /** First back-off delay after the burst phase, ms. Default 50. */
  initialDelay?: number;
  /** Largest delay between probes, ms. Default 1_000. */
  maxDelay?: number;
  /** Growth factor of the delay after the burst phase. Default 1.5. */
  factor?: number;
  /**
   * Interval of the burst phase that follows every iframe load, ms. Default 10. CoCalc never
   * says when its listener is live (docs/cocalc-protocol.md#kiosk-readiness); it usually goes live within
   * the first second, so probing often then is what makes `ready` follow the listener within a
   * few ms. Set to 0 to disable the burst.
   */
  burstInterval?: number;
  /** How long the burst phase lasts after each load, ms. Default 1_000. */
  burstDuration?: number;
}

/** Defaults of {@link ProbeOptions}. */
const DEFAULT_PROBE_OPTIONS: Readonly<Required<ProbeOptions>> = Object.freeze({
  initialDelay: 50,
  maxDelay: 1_000,
  factor: 1.5,
  burstInterval: 10,
  burstDuration: 1_000,
});

/**
 * The delays between `status` probes while a connection is not ready: a short burst at a fixed
 * interval, then exponential back-off capped at `maxDelay`. Pure; the controller owns the timers.
 */
export class ProbeSchedule {
  readonly #options: Readonly<Required<ProbeOptions>>;
  #elapsed = 0;
  #backoff: number;

  constructor(options: ProbeOptions = {}) {
    const merged = { ...DEFAULT_PROBE_OPTIONS, ...stripUndefined(options) };
    for (const [key, value] of Object.entries(merged)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new RangeError(`probe.${key} must be a finite number >= 0`);
      }
    }
    if (merged.factor < 1) throw new RangeError('probe.factor must be >= 1');
    if (merged.initialDelay < 1 || merged.maxDelay < merged.initialDelay) {
      throw new RangeError('probe delays must satisfy 1 <= initialDelay <= maxDelay');
    }
    this.#options = Object.freeze(merged);
    this.#backoff = merged.initialDelay;
  }

  /** Starts over (a new iframe load): burst first again. */
  reset(): void {
    this.#elapsed = 0;
    this.#backoff = this.#options.initialDelay;
  }

  /** The delay before the next probe, ms. */
  next(): number {
    const { burstInterval, burstDuration, maxDelay, factor } = this.#options;
    if (burstInterval > 0 && this.#elapsed < burstDuration) {
      this.#elapsed += burstInterval;
      return burstInterval;
    }
    const delay = Math.min(this.#backoff, maxDelay);
    this.#backoff = Math.min(maxDelay, this.#backoff * factor);
    this.#elapsed += delay;
    return delay;
  }
}

function stripUndefined(options: ProbeOptions): ProbeOptions {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value as number;
  return out;
}
