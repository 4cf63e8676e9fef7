/**
 * Requests a host page posts to a CoCalc kiosk, with CoCalc's own field names
 * (`src/packages/frontend/iframe-communication.ts`; docs/cocalc-protocol.md#kiosk-actions). CoCalc ignores
 * extra fields and echoes no request id, so we send none.
 */

/** Open `path` (relative to the project's home) in project `project_id` and bring it to the front. */
export interface OpenRequest {
  readonly action: 'open';
  readonly project_id: string;
  readonly path: string;
}

/** Ask for the connection state and the open files. Replies once, immediately. */
export interface StatusRequest {
  readonly action: 'status';
}

/** Close every open file and project tab. Replies once. */
export interface CloseAllRequest {
  readonly action: 'closeall';
}

/** Every request CoCalc's bridge understands. There are exactly three. */
export type KioskRequest = OpenRequest | StatusRequest | CloseAllRequest;

/**
 * The action names, for exhaustive switches. Every name is a request's action (checked here by the
 * compiler); that every request's action is listed is checked by the controller's tests against its
 * actions table, which the compiler keys by {@link KioskAction}.
 */
export const KIOSK_ACTIONS = ['open', 'status', 'closeall'] as const satisfies ReadonlyArray<KioskRequest['action']>;

/** Union of the action names. */
export type KioskAction = KioskRequest['action'];
