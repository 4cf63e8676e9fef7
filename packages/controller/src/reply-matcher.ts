import type { KioskReply } from '@cocalc-embed/protocol';

/**
 * What the request in flight waits for. CoCalc echoes no request id (cocalc-reference.md §1.4),
 * so the only things that tie a reply to a request are the order (one request in flight) and
 * the reply's shape; `open` replies also name their `path` and `project_id`.
 */
export type ReplyExpectation =
  | { readonly kind: 'status' }
  | { readonly kind: 'closeall' }
  | { readonly kind: 'open'; readonly projectId: string; readonly path: string; readonly acked: boolean };

/**
 * How a reply relates to the expectation: `ack` (open progress), `resolve` / `reject` (terminal),
 * or `none` (not ours: unsolicited, duplicate, or for another request).
 */
export type ReplyMatch = 'ack' | 'resolve' | 'reject' | 'none';

/** True for the `{status:"done", connection, open_files}` answer to `status`. */
export function isStatusReply(reply: KioskReply): boolean {
  return reply.status === 'done' && 'connection' in reply;
}

/**
 * Matches a validated reply against what the request in flight expects:
 * - `status` takes only a status-shaped `done`;
 * - `closeall` takes `{status:"done", mesg}` or an error without `action` (CoCalc's closeall
 *   error and the validation errors carry no action);
 * - `open` takes an `ack`, `done` or `error` naming the same `path` and `project_id` (a `done`
 *   without a prior `ack` still resolves, A9), and, before its `ack`, an error without `action`
 *   (`invalid project_id=…`, `Unknown action …`, `problem opening project …`: CoCalc validates
 *   before it acks). A second `ack` is a duplicate and matches nothing.
 */
export function matchReply(expectation: ReplyExpectation, reply: KioskReply): ReplyMatch {
  switch (expectation.kind) {
    case 'status':
      return isStatusReply(reply) ? 'resolve' : 'none';
    case 'closeall':
      if (reply.status === 'done' && 'mesg' in reply && !('action' in reply)) return 'resolve';
      if (reply.status === 'error' && reply.action === undefined) return 'reject';
      return 'none';
    case 'open': {
      if (reply.status === 'error' && reply.action === undefined) return expectation.acked ? 'none' : 'reject';
      if (!('action' in reply) || reply.action !== 'open') return 'none';
      if (reply.path !== expectation.path || (reply.project_id ?? '').toLowerCase() !== expectation.projectId) return 'none';
      if (reply.status === 'ack') return expectation.acked ? 'none' : 'ack';
      return reply.status === 'done' ? 'resolve' : 'reject';
    }
  }
}
