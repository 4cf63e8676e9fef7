"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.isStatusReply = isStatusReply;
exports.matchReply = matchReply;
/** True for the `{status:"done", connection, open_files}` answer to `status`. */
function isStatusReply(reply) {
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
function matchReply(expectation, reply) {
    var _a;
    switch (expectation.kind) {
        case 'status':
            return isStatusReply(reply) ? 'resolve' : 'none';
        case 'closeall':
            if (reply.status === 'done' && 'mesg' in reply && !('action' in reply))
                return 'resolve';
            if (reply.status === 'error' && reply.action === undefined)
                return 'reject';
            return 'none';
        case 'open': {
            if (reply.status === 'error' && reply.action === undefined)
                return expectation.acked ? 'none' : 'reject';
            if (!('action' in reply) || reply.action !== 'open')
                return 'none';
            if (reply.path !== expectation.path || ((_a = reply.project_id) !== null && _a !== void 0 ? _a : '').toLowerCase() !== expectation.projectId)
                return 'none';
            if (reply.status === 'ack')
                return expectation.acked ? 'none' : 'ack';
            return reply.status === 'done' ? 'resolve' : 'reject';
        }
    }
}
