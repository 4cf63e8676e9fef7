import type { CocalcError } from '@cocalc-embed/protocol';

/**
 * Fired when something failed that no caller's promise reports: the token could not be had, the
 * kiosk never answered, an open triggered by a `path` change failed. Branch on `error.code`.
 */
export class CocalcErrorEvent extends Event {
  /** The event's type. */
  static readonly eventName = 'cocalc-error';
  /** @param error What failed; `error.retryable` says whether `reload()` can help, `error.hint` what to check. */
  constructor(readonly error: CocalcError) {
    super(CocalcErrorEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'cocalc-error': CocalcErrorEvent;
  }
}
