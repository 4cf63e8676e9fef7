import {
  BrokenCircuitError,
  CircuitState as PolicyState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  noJitterGenerator,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IHalfOpenAfterBackoffContext,
} from 'cockatiel';
import { UpstreamError } from './upstream-error.js';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; default 5 (docs/threat-model.md#upstream-failure, #goal-upstream-protection). */
  threshold?: number;
  /** How long the circuit stays open the first time before one probe is let through; default 2 s. */
  cooldownMs?: number;
  /** Each failed probe doubles the cool-down, up to this; default 30 s. A success resets it. */
  maxCooldownMs?: number;
  /**
   * Which errors say the upstream is unhealthy; others pass through uncounted (and, during a
   * probe, prove CoCalc answered). Default: an {@link UpstreamError} that `countsAsFailure`.
   */
  isFailure?: (error: unknown) => boolean;
}

/** Where the breaker is: `closed` (normal), `open` (failing fast), `half-open` (one probe in flight). */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** What a state change listener is told. */
export interface CircuitChange {
  readonly state: CircuitState;
  /** For `open`: how long until the next probe, in ms. */
  readonly cooldownMs?: number;
}

const STATE_NAMES: Record<PolicyState, CircuitState> = {
  [PolicyState.Closed]: 'closed',
  [PolicyState.Open]: 'open',
  [PolicyState.HalfOpen]: 'half-open',
  [PolicyState.Isolated]: 'open',
};

/**
 * A consecutive-failure circuit breaker: cockatiel's `ConsecutiveBreaker` policy with an
 * exponential half-open back-off (2 s, 4 s, 8 s … up to 30 s while probes keep failing; back to the
 * first step after a success). While open, {@link CircuitBreaker.execute} throws
 * {@link BrokenCircuitError} at once, so a dead CoCalc costs callers microseconds instead of a
 * timeout each; once the cool-down is over exactly one call probes, and calls arriving meanwhile
 * wait for its outcome. A short first cool-down means a CoCalc that comes back is used again within
 * seconds; the back-off keeps a CoCalc that stays down from being probed often.
 */
export class CircuitBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private openedAt = 0;
  private cooldown = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    const first = options.cooldownMs ?? 2_000;
    const backoff = new ExponentialBackoff({ initialDelay: first, maxDelay: Math.max(first, options.maxCooldownMs ?? 30_000), generator: noJitterGenerator });
    // Remember each duration cockatiel draws, so a refusal can say when to try again (Retry-After).
    const recording = <T>(step: IBackoff<T>): IBackoff<T> => ({
      duration: step.duration,
      next: (context) => this.record(recording(step.next(context))),
    });
    const halfOpenAfter: IBackoffFactory<IHalfOpenAfterBackoffContext> = {
      next: () => this.record(recording(backoff.next())),
    };
    const isFailure = options.isFailure ?? ((error: unknown) => error instanceof UpstreamError && error.countsAsFailure);
    this.policy = circuitBreaker(
      handleWhen((error) => isFailure(error)),
      { halfOpenAfter, breaker: new ConsecutiveBreaker(options.threshold ?? 5) },
    );
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
    });
  }

  /** Current state, for health output and tests. */
  get state(): CircuitState {
    return STATE_NAMES[this.policy.state];
  }

  /** While open: ms until the next probe may run (at least 1); otherwise 0. */
  get retryAfterMs(): number {
    if (this.policy.state !== PolicyState.Open) return 0;
    return Math.max(1, this.openedAt + this.cooldown - Date.now());
  }

  /**
   * Runs `fn` through the breaker. Throws {@link BrokenCircuitError} without calling `fn` while
   * the circuit is open; `fn`'s own errors pass through (counted when `isFailure` says so).
   */
  execute<T>(fn: () => Promise<T>): Promise<T> {
    return this.policy.execute(fn);
  }

  /** Calls `listener` on every state change. Returns a function that unsubscribes. */
  onStateChange(listener: (change: CircuitChange) => void): () => void {
    const subscription = this.policy.onStateChange((state) => {
      const name = STATE_NAMES[state];
      listener(name === 'open' ? { state: name, cooldownMs: this.cooldown } : { state: name });
    });
    return () => subscription.dispose();
  }

  private record<T>(step: IBackoff<T>): IBackoff<T> {
    this.cooldown = step.duration;
    return step;
  }
}

/** Whether `error` is the breaker refusing a call (the circuit is open). */
export function isCircuitOpenError(error: unknown): boolean {
  return error instanceof BrokenCircuitError;
}
