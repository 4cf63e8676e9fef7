/** Counters of what the controller did with inbound messages (diagnostics; see `KioskController.stats`). */
export interface KioskStats {
  /** Messages from the kiosk that passed origin, source, rate and shape checks. */
  readonly accepted: number;
  /** Messages whose `event.origin` was not the kiosk origin (checked first, O(1)). */
  readonly rejectedOrigin: number;
  /** Messages from the right origin but another window than our iframe (docs/threat-model.md#forged-messages). */
  readonly rejectedSource: number;
  /** Messages from our kiosk that are no valid reply or project-log entry (docs/threat-model.md#hostile-payloads). */
  readonly rejectedShape: number;
  /** Messages dropped by the per-source rate limit (docs/threat-model.md#message-floods). Replies to the call in flight are never dropped. */
  readonly rejectedRate: number;
  /** Valid replies that matched nothing: duplicates, stale, unsolicited (docs/threat-model.md#stale-replies). Included in `accepted`. */
  readonly unmatched: number;
}

/** Mutable counters behind {@link KioskStats}. */
export type MutableKioskStats = { -readonly [K in keyof KioskStats]: number };

/** Fresh zeroed counters. */
export function createStats(): MutableKioskStats {
  return { accepted: 0, rejectedOrigin: 0, rejectedSource: 0, rejectedShape: 0, rejectedRate: 0, unmatched: 0 };
}
