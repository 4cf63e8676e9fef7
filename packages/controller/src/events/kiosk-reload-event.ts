/** Fired when the iframe navigated or reloaded after having been ready; pending calls were rejected with RELOADED. */
export class KioskReloadEvent extends Event {
  /** The event type, `'reload'`. */
  static readonly eventName = 'reload';
  /** @param generation the new connection number */
  constructor(readonly generation: number) {
    super(KioskReloadEvent.eventName);
  }
}
