/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; default 5 (security-reference.md D2, G8). */
  threshold?: number;
  /** How long the circuit stays open before one probe is let through; default 30 s. */
  cooldownMs?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** Where the breaker is: `closed` (normal), `open` (failing fast), `half-open` (one probe in flight). */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * A consecutive-failure circuit breaker. While open, {@link CircuitBreaker.tryAcquire} answers
 * "no" at once, so a dead CoCalc costs callers microseconds instead of a timeout each; after the
 * cool-down exactly one caller probes (half-open) and its outcome closes or re-opens the circuit.
 */
export class CircuitBreaker {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private opened = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.threshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Current state, for health output and tests. */
  get state(): CircuitState {
    if (!this.opened) return 'closed';
    return this.probing || this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /**
   * Asks to make a call. Returns `0` when allowed (the caller must then report
   * {@link onSuccess} or {@link onFailure}), else the ms to wait before asking again.
   */
  tryAcquire(): number {
    if (!this.opened) return 0;
    const waited = this.now() - this.openedAt;
    if (waited < this.cooldownMs) return this.cooldownMs - waited;
    if (this.probing) return 1000; // someone is already probing; don't stampede a recovering CoCalc
    this.probing = true;
    return 0;
  }

  /** Reports a healthy answer: closes the circuit. */
  onSuccess(): void {
    this.failures = 0;
    this.opened = false;
    this.probing = false;
  }

  /** Reports a failure that says CoCalc is unhealthy. */
  onFailure(): void {
    this.failures += 1;
    if (this.probing || this.failures >= this.threshold) {
      this.opened = true;
      this.openedAt = this.now();
    }
    this.probing = false;
  }

  /** Releases a half-open probe slot without a verdict (the call ended in a non-health error). */
  onNeutral(): void {
    if (this.probing) {
      // The probe got an answer from CoCalc (e.g. a semantic error), so CoCalc is up.
      this.onSuccess();
    }
  }
}
