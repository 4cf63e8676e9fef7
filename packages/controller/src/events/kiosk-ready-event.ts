/** Fired each time a connection to the kiosk becomes ready: the first time and after every reload. */
export class KioskReadyEvent extends Event {
  /** The event type, `'ready'`. */
  static readonly eventName = 'ready';
  /**
   * @param generation connection number; bumped by every iframe load
   * @param reconnected true when this follows a reload (the desired files are being re-opened)
   */
  constructor(
    readonly generation: number,
    readonly reconnected: boolean,
  ) {
    super(KioskReadyEvent.eventName);
  }
}
