import type { NotebookState } from '../notebook-state.js';

/** Fired on every lifecycle transition of `<cocalc-notebook>`; the one event to follow its state machine. */
export class CocalcStateChangeEvent extends Event {
  /** The event's type. */
  static readonly eventName = 'cocalc-state-change';
  /**
   * @param state The state just entered.
   * @param previous The state just left.
   */
  constructor(
    readonly state: NotebookState,
    readonly previous: NotebookState,
  ) {
    super(CocalcStateChangeEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'cocalc-state-change': CocalcStateChangeEvent;
  }
}
