import { isValidUuid } from '@cocalc-embed/protocol';
import { blockOrigin } from './block-origin.js';
import type { KioskState } from './kiosk-state.js';
import type { Reply, ReplyControls, ReplyTarget } from './reply-channel.js';

/** What the bridge needs from the rest of the app (CoCalc's redux stores and actions). */
export interface BridgeDeps {
  /** This window: messages it posts to itself are ignored. */
  readonly self: unknown;
  /** `iframe_comm_hosts`, already split with CoCalc's regex. */
  readonly hosts: readonly string[];
  /** NOT CoCalc: exact `http://` origins admitted in development (empty by default). */
  readonly devHttpOrigins: readonly string[];
  readonly state: KioskState;
  readonly replies: ReplyControls;
  openProject(projectId: string): Promise<boolean>;
  openFile(projectId: string, path: string): Promise<void>;
  /**
   * Called right after an `open`'s `ack` is handed to the reply channel. Returning `true` stops the
   * open there (the emulator's `reloadMidRequest` control: the page is about to reload).
   */
  afterAck?(): boolean;
}

/** The parts of a `MessageEvent` the bridge reads. */
export interface BridgeMessage {
  readonly origin: string;
  readonly source: unknown;
  readonly data: unknown;
}

/**
 * CoCalc's `process_message` (`src/packages/frontend/iframe-communication.ts`, unchanged
 * 2019–2026; docs/cocalc-protocol.md#kiosk-origins, #kiosk-actions, #kiosk-replies), step for step: ignore our own messages; drop blocked
 * origins silently; reject null and non-object payloads; dispatch `open` / `status` / `closeall`;
 * anything else is `Unknown action '<action>'`. Replies go to `event.source` with targetOrigin
 * `event.origin`, carry no request id, and nothing is ever posted unprompted (no ready message).
 */
export async function processMessage(mesg: BridgeMessage, deps: BridgeDeps): Promise<void> {
  // Ignore messages to myself (otherwise sending a reply would loop).
  if (deps.self == mesg.source) return;
  if (blockOrigin(mesg, deps.hosts, deps.devHttpOrigins)) return;
  const source = mesg.source as ReplyTarget | null;
  if (source === null || typeof source.postMessage !== 'function') return; // nobody to answer
  const reply = deps.replies.replier(source, mesg.origin);
  const data = mesg.data;
  if (data == null) {
    reply({ status: 'error', mesg: 'There is no payload "data"' });
    return;
  }
  if (typeof data !== 'object') {
    reply({ status: 'error', mesg: 'The payload "data" must be an object' });
    return;
  }
  const { action } = data as { action?: unknown };
  switch (action) {
    case 'open':
      await handleOpen(data as { project_id?: unknown; path?: unknown }, reply, deps);
      break;
    case 'status':
      reply({ status: 'done', connection: deps.state.connectionReply(), open_files: deps.state.openFiles() });
      break;
    case 'closeall':
      // Closes every editor and project tab; the kiosk banner appears again.
      try {
        deps.state.closeAll();
        reply({ status: 'done', mesg: 'all files are closed' });
      } catch (err) {
        reply({ status: 'error', mesg: String(err) });
      }
      break;
    default: {
      const err = `Unknown action '${String(action)}'`;
      console.warn(err);
      reply({ status: 'error', mesg: err });
    }
  }
}

async function handleOpen(data: { project_id?: unknown; path?: unknown }, reply: Reply, deps: BridgeDeps): Promise<void> {
  const { project_id, path } = data;
  const action = 'open';
  if (!isValidUuid(project_id)) {
    reply({ status: 'error', mesg: `invalid project_id='${String(project_id)}'` });
    return;
  }
  if (path == null || typeof path !== 'string') {
    reply({ status: 'error', mesg: 'invalid path, it must be a string' });
    return;
  }
  // open_project sits outside CoCalc's try/catch; our stand-in reports failure as "no actions".
  if (!(await deps.openProject(project_id))) {
    reply({ status: 'error', mesg: `problem opening project ${project_id}` });
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, 0)); // CoCalc: `await delay(0)`
  try {
    reply({ status: 'ack', action, path, project_id });
    if (deps.afterAck?.() === true) return;
    await deps.openFile(project_id, path);
    reply({ status: 'done', action, path, project_id });
  } catch (err) {
    reply({ status: 'error', action, path, project_id, mesg: String(err) });
  }
}
