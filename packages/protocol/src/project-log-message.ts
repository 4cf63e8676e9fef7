import { isValidUuid } from './is-valid-uuid.js';
import { isPlainObject, withinMessageLimits } from './message-limits.js';
import { ownProperty } from './own-property.js';

/**
 * CoCalc posts `{source:"cocalc-project-log", payload:{project_log:{…}}}` to `window.parent` with
 * target `"*"` whenever the frontend writes a project-log entry (docs/cocalc-protocol.md#project-log-messages). Opening a
 * file posts an entry with `event:{event:"open", action:"open", filename}`, then an update with the
 * same `id` carrying `event:{time: <load ms>}`.
 */
export const PROJECT_LOG_SOURCE = 'cocalc-project-log';

/** A validated project-log entry. */
export interface ProjectLogEntry {
  /** Entry id; the load-time update reuses the id of the open entry. */
  readonly id: string;
  readonly project_id: string;
  /** When the entry was written, if CoCalc said. */
  readonly time: Date | undefined;
  /** The inner `event` fields we understand. */
  readonly event: {
    readonly event: string | undefined;
    readonly action: string | undefined;
    readonly filename: string | undefined;
    /** Load time in ms, on the update that follows an open. */
    readonly time: number | undefined;
  };
}

/** Validates a project-log message into a fresh null-prototype entry, or returns `undefined`. Never throws. */
export function parseProjectLogMessage(data: unknown): ProjectLogEntry | undefined {
  try {
    if (!isPlainObject(data) || !withinMessageLimits(data) || ownProperty(data, 'source') !== PROJECT_LOG_SOURCE) return undefined;
    const payload = ownProperty(data, 'payload');
    if (!isPlainObject(payload)) return undefined;
    const log = ownProperty(payload, 'project_log');
    if (!isPlainObject(log)) return undefined;
    const id = ownProperty(log, 'id');
    const projectId = ownProperty(log, 'project_id');
    const event = ownProperty(log, 'event');
    if (typeof id !== 'string' || id.length === 0 || id.length > 128 || !isValidUuid(projectId) || !isPlainObject(event)) {
      return undefined;
    }
    const rawTime = ownProperty(log, 'time');
    let time: Date | undefined;
    if (rawTime instanceof Date) time = new Date(rawTime.getTime());
    else if (typeof rawTime === 'string' || typeof rawTime === 'number') {
      const parsed = new Date(rawTime);
      time = Number.isNaN(parsed.getTime()) ? undefined : parsed;
    }
    const loadTime = ownProperty(event, 'time');
    const entry: ProjectLogEntry = {
      id,
      project_id: projectId,
      time,
      event: Object.freeze(
        Object.assign(Object.create(null) as object, {
          event: str(ownProperty(event, 'event')),
          action: str(ownProperty(event, 'action')),
          filename: str(ownProperty(event, 'filename')),
          time: typeof loadTime === 'number' && Number.isFinite(loadTime) ? loadTime : undefined,
        }),
      ),
    };
    return Object.freeze(Object.assign(Object.create(null) as object, entry));
  } catch {
    return undefined;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
