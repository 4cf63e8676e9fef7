/**
 * Fired when an `open` finished (`{status:"done"}`). CoCalc's `done` means its frontend's
 * open_file returned, not that the project runs or the notebook rendered.
 */
export class KioskFileOpenedEvent extends Event {
  /** The event type, `'file-opened'`. */
  static readonly eventName = 'file-opened';
  /**
   * @param projectId the project's UUID (lower case)
   * @param path the file path relative to the project's home
   */
  constructor(
    readonly projectId: string,
    readonly path: string,
  ) {
    super(KioskFileOpenedEvent.eventName);
  }
}
