import type { CocalcError } from '@cocalc-embed/protocol';

/** Fired for failures not tied to a call: the ready timeout, or re-opening a file after a reload or close failed. */
export class KioskErrorEvent extends Event {
  /** The event type, `'error'`. */
  static readonly eventName = 'error';
  /** @param error what failed; `error.retryable` says whether trying again can help */
  constructor(readonly error: CocalcError) {
    super(KioskErrorEvent.eventName);
  }
}
