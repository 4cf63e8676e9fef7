/** Fired when CoCalc finished opening a file (its `done`). */
export class CocalcFileOpenedEvent extends Event {
  /** The event's type. */
  static readonly eventName = 'cocalc-file-opened';
  /**
   * @param projectId The project holding the file.
   * @param path The file, relative to the project home.
   */
  constructor(
    readonly projectId: string,
    readonly path: string,
  ) {
    super(CocalcFileOpenedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'cocalc-file-opened': CocalcFileOpenedEvent;
  }
}
