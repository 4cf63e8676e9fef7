/**
 * Fired when the element's view of the files open in its kiosk changed: after an open finished,
 * after `close`/`closeAll`, and after a `status()` answer. Host controls use it for `aria-pressed`.
 */
export class CocalcFilesChangeEvent extends Event {
  /** The event's type. */
  static readonly eventName = 'cocalc-files-change';
  /** @param files Paths open in the embed's project, in the order CoCalc or the element knows them. */
  constructor(readonly files: readonly string[]) {
    super(CocalcFilesChangeEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'cocalc-files-change': CocalcFilesChangeEvent;
  }
}
