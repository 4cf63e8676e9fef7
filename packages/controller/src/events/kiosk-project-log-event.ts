import type { ProjectLogEntry } from '@cocalc-embed/protocol';

/**
 * Fired for each validated `cocalc-project-log` message from the kiosk (after the same origin
 * and source checks as replies). CoCalc posts an entry when a file is opened and later an update
 * with the same `id` whose `event.time` is the load time in ms.
 */
export class KioskProjectLogEvent extends Event {
  /** The event type, `'project-log'`. */
  static readonly eventName = 'project-log';
  /**
   * @param entry the validated entry (a frozen null-prototype object)
   * @param loadTimeMs the load time, when this entry is the update that carries it
   */
  constructor(
    readonly entry: ProjectLogEntry,
    readonly loadTimeMs: number | undefined,
  ) {
    super(KioskProjectLogEvent.eventName);
  }
}
