import type { CocalcError } from '@cocalc-embed/protocol';
import type { KioskStatus } from '@cocalc-embed/controller';

/** Actions a `data-cocalc-action` host control can run. */
export const CONTROL_ACTIONS = ['open', 'close', 'closeall', 'status', 'reload'] as const;
/** One of {@link CONTROL_ACTIONS}. */
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/**
 * Fired on a `data-cocalc-action` button when the action it ran settled, so a page can show the
 * outcome without script on the element. `status` carries the kiosk status; `error` is set on failure.
 */
export class CocalcControlResultEvent extends Event {
  /** The event's type. */
  static readonly eventName = 'cocalc-control-result';
  /**
   * @param action The action that ran.
   * @param status The status answer (only for `status`).
   * @param error The failure, when the action failed.
   */
  constructor(
    readonly action: ControlAction,
    readonly status: KioskStatus | undefined,
    readonly error: CocalcError | undefined,
  ) {
    super(CocalcControlResultEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'cocalc-control-result': CocalcControlResultEvent;
  }
}
