/** Fired when CoCalc acknowledged an `open` (`{status:"ack"}`): it has the project and starts opening the file. */
export class KioskFileOpenEvent extends Event {
  /** The event type, `'file-open'`. */
  static readonly eventName = 'file-open';
  /**
   * @param projectId the project's UUID (lower case)
   * @param path the file path relative to the project's home
   */
  constructor(
    readonly projectId: string,
    readonly path: string,
  ) {
    super(KioskFileOpenEvent.eventName);
  }
}
