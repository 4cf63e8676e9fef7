import { PROJECT_LOG_SOURCE } from '@cocalc-embed/protocol';

/** Where project-log messages go; `window.parent` in the app. */
export interface ParentWindow {
  postMessage(message: unknown, targetOrigin: string): void;
}

/**
 * CoCalc's `ProjectActions.log()` side effect (`src/packages/frontend/project_actions.ts`,
 * sagemathinc/cocalc#4145; docs/cocalc-protocol.md#project-log-messages): every project-log write is also posted to
 * `window.parent` with targetOrigin `"*"` — in any mode, regardless of `iframe_comm_hosts`.
 * This `"*"` is CoCalc's own behaviour, reproduced on purpose; the entries carry only a file name.
 *
 * Opening a file writes `{event:{event:"open", action:"open", filename, compute_server_id:0}}` and
 * returns the entry id; when the file has loaded, {@link logOpenLoadTime} updates the same id with
 * `{event:{time}}`. The bridge's `done` for the open comes between the two.
 */
export function logOpen(parent: ParentWindow | null, projectId: string, filename: string): string {
  const id = crypto.randomUUID();
  post(parent, { event: { event: 'open', action: 'open', filename, compute_server_id: 0 }, project_id: projectId, time: new Date(), id });
  return id;
}

/** The load-time update for an earlier {@link logOpen} entry. */
export function logOpenLoadTime(parent: ParentWindow | null, projectId: string, id: string, loadMs: number): void {
  post(parent, { event: { time: Math.round(loadMs) }, project_id: projectId, time: new Date(), id });
}

function post(parent: ParentWindow | null, projectLog: Record<string, unknown>): void {
  // A top-level page has parent === window; CoCalc posts anyway (to itself, where its bridge's
  // self-message filter drops it). Skipping it changes nothing observable.
  if (parent === null) return;
  parent.postMessage({ source: PROJECT_LOG_SOURCE, payload: { project_log: projectLog } }, '*');
}
