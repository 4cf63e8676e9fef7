/** One open file: what CoCalc keeps in a project store's `open_files`. */
export interface OpenFile {
  readonly projectId: string;
  readonly path: string;
}

/** CoCalc's `connection_status` values (`src/packages/frontend/app/store.ts`). */
export type ConnectionStatus = 'disconnected' | 'connecting' | 'connected';

/**
 * The page/projects store slice the bridge reads: open files per project (in open order, the last
 * opened being in the foreground), and the connection fields of the `page` store. Notifies one
 * listener (the view) on every change.
 */
export class KioskState {
  private readonly files = new Map<string, string[]>();
  private foregroundFile: OpenFile | undefined;
  private connection: ConnectionStatus = 'connecting';
  // CoCalc's page store has no `last_status_time` until the first status change after start.
  private statusTime: Date | undefined;
  private pingMs: number | undefined;
  private listener: () => void = () => {};

  /** Registers the single change listener (the kiosk view). */
  onChange(listener: () => void): void {
    this.listener = listener;
  }

  /** Adds `path` to the project's open files (once) and brings it to the foreground. */
  open(projectId: string, path: string): void {
    const paths = this.files.get(projectId) ?? [];
    if (!paths.includes(path)) paths.push(path);
    this.files.set(projectId, paths);
    this.foregroundFile = { projectId, path };
    this.listener();
  }

  /** CoCalc's `close_all_files()` + `close_project_tab()` for every project: the banner comes back. */
  closeAll(): void {
    this.files.clear();
    this.foregroundFile = undefined;
    this.listener();
  }

  /** The file in front, if any. */
  get foreground(): OpenFile | undefined {
    return this.foregroundFile;
  }

  /** `all_opened_files()`: project id → paths, only projects with at least one open file. */
  openFiles(): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const [projectId, paths] of this.files) if (paths.length > 0) result[projectId] = [...paths];
    return result;
  }

  /** Records a connection status change and when it happened (`last_status_time`, a `Date`). */
  setConnection(status: ConnectionStatus): void {
    this.connection = status;
    this.statusTime = new Date();
    this.listener();
  }

  /** Records the average ping (CoCalc measures it every 30 s; until then there is none). */
  setPing(pingMs: number): void {
    this.pingMs = pingMs;
  }

  /**
   * CoCalc's `connection_status()` for the `status` reply: `{quality, status, status_time, ping}`.
   * `status_time` is missing until the first change after start (a reply that arrives that early
   * says `connecting` and has none), `ping` until the first ping.
   */
  connectionReply(): { quality: 'good'; status: ConnectionStatus; status_time?: Date; ping?: number } {
    return {
      quality: 'good',
      status: this.connection,
      ...(this.statusTime === undefined ? {} : { status_time: this.statusTime }),
      ...(this.pingMs === undefined ? {} : { ping: this.pingMs }),
    };
  }
}
