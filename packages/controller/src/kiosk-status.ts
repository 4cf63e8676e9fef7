import type { StatusReply } from '@cocalc-embed/protocol';

/** The answer to `status`, in our naming (camelCase, no wire types leaking into the public API). */
export interface KioskStatus {
  /** CoCalc's connection to its hub, as the kiosk's `page` store sees it. */
  readonly connection: {
    /** `"good" | "flaky" | "bad"` in CoCalc. */
    quality: string;
    /** `"disconnected" | "connecting" | "connected"` in CoCalc. */
    status: string;
    /** When `status` last changed. */
    statusTime: Date | undefined;
    /** Average ping in ms, when CoCalc knows it. */
    ping: number | undefined;
  };
  /** Project id → open paths; only projects with at least one open file. */
  readonly openFiles: Readonly<Record<string, readonly string[]>>;
}

/** Converts a validated status reply (already a fresh null-prototype object) into a {@link KioskStatus}. */
export function toKioskStatus(reply: StatusReply): KioskStatus {
  const c = reply.connection;
  return Object.freeze({
    connection: Object.freeze({
      quality: c.quality,
      status: c.status,
      statusTime: c.status_time === undefined ? undefined : new Date(c.status_time.getTime()),
      ping: c.ping,
    }),
    openFiles: reply.open_files,
  });
}
