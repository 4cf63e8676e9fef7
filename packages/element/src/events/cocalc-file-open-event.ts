/** Fired when CoCalc acknowledges an `open` (its `ack`): the file is on its way, not yet shown. */
export class CocalcFileOpenEvent extends Event {
  /** The event's type. */
  static readonly eventName = 'cocalc-file-open';
  /**
   * @param projectId The project holding the file.
   * @param path The file, relative to the project home.
   */
  constructor(
    readonly projectId: string,
    readonly path: string,
  ) {
    super(CocalcFileOpenEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'cocalc-file-open': CocalcFileOpenEvent;
  }
}
