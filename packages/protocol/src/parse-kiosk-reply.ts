import { isValidUuid } from './is-valid-uuid.js';
import type { KioskConnection, KioskReply } from './kiosk-reply.js';
import { isPlainObject, withinMessageLimits } from './message-limits.js';
import { ownProperty } from './own-property.js';

/**
 * Turns untrusted `event.data` into a validated {@link KioskReply}, or `undefined` when it is not
 * one. Never throws. The result is a fresh null-prototype object holding only whitelisted fields,
 * so nothing from the message (a `__proto__` key, a getter) survives into our state.
 */
export function parseKioskReply(data: unknown): KioskReply | undefined {
  try {
    if (!isPlainObject(data) || !withinMessageLimits(data)) return undefined;
    return parse(data);
  } catch {
    return undefined;
  }
}

function parse(data: Record<string, unknown>): KioskReply | undefined {
  const status = ownProperty(data, 'status');
  if (status === 'ack') {
    const open = openFields(data);
    return open ? fresh({ status: 'ack' as const, ...open }) : undefined;
  }
  if (status === 'done') {
    if (ownProperty(data, 'action') === 'open') {
      const open = openFields(data);
      return open ? fresh({ status: 'done' as const, ...open }) : undefined;
    }
    if (ownProperty(data, 'action') !== undefined) return undefined;
    if (ownProperty(data, 'connection') !== undefined || ownProperty(data, 'open_files') !== undefined) {
      const connection = parseConnection(ownProperty(data, 'connection'));
      const openFiles = parseOpenFiles(ownProperty(data, 'open_files'));
      if (!connection || !openFiles) return undefined;
      return fresh({ status: 'done' as const, connection, open_files: openFiles });
    }
    const mesg = ownProperty(data, 'mesg');
    return typeof mesg === 'string' ? fresh({ status: 'done' as const, mesg }) : undefined;
  }
  if (status === 'error') {
    const mesg = ownProperty(data, 'mesg');
    if (typeof mesg !== 'string') return undefined;
    const action = ownProperty(data, 'action');
    if (action === undefined) {
      const path = ownProperty(data, 'path');
      const projectId = ownProperty(data, 'project_id');
      if (path !== undefined || projectId !== undefined) return undefined;
      return fresh({ status: 'error' as const, mesg, action: undefined, path: undefined, project_id: undefined });
    }
    if (action !== 'open') return undefined;
    const open = openFields(data);
    return open ? fresh({ status: 'error' as const, mesg, ...open }) : undefined;
  }
  return undefined;
}

function openFields(data: Record<string, unknown>): { action: 'open'; path: string; project_id: string } | undefined {
  const path = ownProperty(data, 'path');
  const projectId = ownProperty(data, 'project_id');
  if (ownProperty(data, 'action') !== 'open' || typeof path !== 'string' || !isValidUuid(projectId)) return undefined;
  return { action: 'open', path, project_id: projectId };
}

function parseConnection(value: unknown): KioskConnection | undefined {
  if (!isPlainObject(value)) return undefined;
  const quality = ownProperty(value, 'quality');
  const status = ownProperty(value, 'status');
  const time = ownProperty(value, 'status_time');
  const ping = ownProperty(value, 'ping');
  if (typeof quality !== 'string' || typeof status !== 'string') return undefined;
  // CoCalc's type says number, its store holds a Date; accept both and hand out a Date.
  let statusTime: Date | undefined;
  if (time instanceof Date) statusTime = new Date(time.getTime());
  else if (typeof time === 'number' && Number.isFinite(time)) statusTime = new Date(time);
  else if (time !== undefined && time !== null) return undefined;
  if (ping !== undefined && ping !== null && (typeof ping !== 'number' || !Number.isFinite(ping))) return undefined;
  return fresh({ quality, status, status_time: statusTime, ping: typeof ping === 'number' ? ping : undefined });
}

function parseOpenFiles(value: unknown): Record<string, readonly string[]> | undefined {
  if (value === undefined) return fresh({});
  if (!isPlainObject(value)) return undefined;
  const result = Object.create(null) as Record<string, readonly string[]>;
  for (const key of Object.keys(value)) {
    const paths = value[key];
    if (!isValidUuid(key) || !Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) return undefined;
    result[key] = Object.freeze([...(paths as string[])]);
  }
  return Object.freeze(result);
}

function fresh<T extends object>(fields: T): T {
  return Object.freeze(Object.assign(Object.create(null) as T, fields));
}
