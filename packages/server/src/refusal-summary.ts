import type { Logger } from './logger.js';

/** Options of {@link RefusalSummary}. */
export interface RefusalSummaryOptions {
  logger: Logger;
  /** The log message of every line this writes. */
  message: string;
  /** At most one summary line per window; default 10 s. */
  windowMs?: number;
}

/**
 * Counts requests refused because CoCalc is unavailable (circuit breaker open, upstream queue
 * full) and logs them as a count, not one line each: an outage under load would otherwise write
 * tens of thousands of identical warnings a minute and bury the breaker's state changes. The first
 * refusal after a quiet window is logged at once (`refused: 1`), later ones are summed and logged
 * when the window ends (`refused: n, windowMs`); {@link stop} writes what is still counted.
 */
export class RefusalSummary {
  private readonly logger: Logger;
  private readonly message: string;
  private readonly windowMs: number;
  private counted = 0;
  private reasons = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(options: RefusalSummaryOptions) {
    this.logger = options.logger;
    this.message = options.message;
    this.windowMs = options.windowMs ?? 10_000;
  }

  /** Records one refusal; `reason` is a short, fixed description (never request data). */
  record(reason: string): void {
    if (this.timer === undefined) {
      this.logger.warn(this.message, { refused: 1, reason });
      this.timer = setInterval(() => this.flush(), this.windowMs);
      this.timer.unref();
      return;
    }
    this.counted += 1;
    this.reasons.add(reason);
  }

  /** Logs the count still pending and stops the window timer. */
  stop(): void {
    this.flush();
    this.stopTimer();
  }

  private flush(): void {
    if (this.counted === 0) {
      this.stopTimer(); // a quiet window: the next refusal is logged at once again
      return;
    }
    this.logger.warn(this.message, { refused: this.counted, reasons: [...this.reasons], windowMs: this.windowMs });
    this.counted = 0;
    this.reasons = new Set();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
