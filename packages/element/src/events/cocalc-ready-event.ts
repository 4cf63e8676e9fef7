import type { KioskController } from '@cocalc-embed/controller';

/** Fired each time the kiosk answers its first status probe (first load, reload or renewed session). */
export class CocalcReadyEvent extends Event {
  /** The event's type. */
  static readonly eventName = 'cocalc-ready';
  /**
   * @param controller The connected controller, also available as `element.controller`.
   * @param projectId The CoCalc project the backend chose for this embed.
   */
  constructor(
    readonly controller: KioskController,
    readonly projectId: string,
  ) {
    super(CocalcReadyEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'cocalc-ready': CocalcReadyEvent;
  }
}
