/**
 * Replies a CoCalc kiosk posts back (docs/cocalc-protocol.md#kiosk-actions, #kiosk-replies). They carry no request id:
 * only `open` replies name their `action`, `path` and `project_id`, and `open`'s validation errors
 * do not. Replies are matched to requests by order and shape (see the controller).
 */

/** CoCalc's `connection` object in a `status` reply. */
export interface KioskConnection {
  /** `"good" | "flaky" | "bad"` in CoCalc; kept as a string because CoCalc does not validate it. */
  readonly quality: string;
  /** `"disconnected" | "connecting" | "connected"` in CoCalc. */
  readonly status: string;
  /** When `status` last changed. CoCalc sends a `Date` (it survives structured clone). */
  readonly status_time: Date | undefined;
  /** Average ping in ms; CoCalc may leave it undefined. */
  readonly ping: number | undefined;
}

/** `{status:"ack", action:"open", path, project_id}`: CoCalc has the project and starts opening the file. */
export interface AckReply {
  readonly status: 'ack';
  readonly action: 'open';
  readonly path: string;
  readonly project_id: string;
}

/** `{status:"done", action:"open", path, project_id}`: the frontend's open_file returned. */
export interface OpenDoneReply {
  readonly status: 'done';
  readonly action: 'open';
  readonly path: string;
  readonly project_id: string;
}

/** `{status:"done", connection, open_files}`: the answer to `status`. */
export interface StatusReply {
  readonly status: 'done';
  readonly connection: KioskConnection;
  /** Project id → open paths; only projects with at least one open file. */
  readonly open_files: Readonly<Record<string, readonly string[]>>;
}

/** `{status:"done", mesg:"all files are closed"}`: the answer to `closeall`. */
export interface CloseAllReply {
  readonly status: 'done';
  readonly mesg: string;
}

/**
 * `{status:"error", mesg, …}`. When `action` is `"open"` the error came from open_file and carries
 * `path`/`project_id`; validation errors (bad payload, unknown action, bad id or path) carry neither.
 */
export interface ErrorReply {
  readonly status: 'error';
  readonly mesg: string;
  readonly action: 'open' | undefined;
  readonly path: string | undefined;
  readonly project_id: string | undefined;
}

/** Every reply shape, as validated by {@link parseKioskReply}. */
export type KioskReply = AckReply | OpenDoneReply | StatusReply | CloseAllReply | ErrorReply;
