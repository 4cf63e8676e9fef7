import type { KioskControllerState } from '../kiosk-controller-state.js';

/** Fired whenever `KioskController.state` changes. */
export class KioskStateChangeEvent extends Event {
  /** The event type, `'state-change'`. */
  static readonly eventName = 'state-change';
  /**
   * @param state the new state
   * @param previous the state before
   */
  constructor(
    readonly state: KioskControllerState,
    readonly previous: KioskControllerState,
  ) {
    super(KioskStateChangeEvent.eventName);
  }
}
