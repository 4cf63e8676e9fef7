/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call: removed from the queue if not sent yet, rejected with ABORTED if in flight. */
  signal?: AbortSignal;
  /** ms to wait for the reply once the request is sent (default: the controller's timeout for that action). */
  timeout?: number;
}

/** Options of {@link KioskController.open}. */
export interface OpenOptions extends CallOptions {
  /** The CoCalc project's UUID. */
  projectId: string;
  /** ms until CoCalc's `ack` once sent (default `openAckTimeout`). */
  ackTimeout?: number;
  /** Called on CoCalc's `ack` (progress: the project is known and the file is being opened). */
  onAck?: (info: { projectId: string; path: string }) => void;
}

/** A file the controller keeps open. */
export interface DesiredFile {
  /** Project UUID, lower case. */
  readonly projectId: string;
  /** Path relative to the project's home. */
  readonly path: string;
}
