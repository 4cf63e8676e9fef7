import type { CocalcErrorCode, KioskAction, KioskReply, KioskRequest, StatusReply } from '@cocalc-embed/protocol';
import type { CallOptions } from './call-options.js';
import { Deferred } from './deferred.js';
import { KioskFileOpenedEvent } from './events/kiosk-file-opened-event.js';
import { KioskFileOpenEvent } from './events/kiosk-file-open-event.js';
import { callTimeout, type ResolvedKioskControllerOptions } from './kiosk-controller-options.js';
import { toKioskStatus } from './kiosk-status.js';

/** One call, from the moment it is made until it settles. */
export interface Call {
  readonly kind: KioskAction;
  /** Project and path of an `open`. */
  readonly projectId: string;
  readonly path: string;
  /** For a `closeall`: which desired files it closes (the others are re-opened after it). */
  readonly forgets?: ((file: { readonly projectId: string; readonly path: string }) => boolean) | undefined;
  /** ms for the final reply once sent, and for the `ack` of an action that has one. */
  readonly timeout: number;
  readonly ackTimeout: number;
  readonly deferred: Deferred<unknown>;
  readonly signal: AbortSignal | undefined;
  readonly onAck: ((info: { projectId: string; path: string }) => void) | undefined;
  /** Set by an `ack` reply: a call whose replies name it cannot be mistaken for another's. */
  acked: boolean;
  timers: number[];
  removeAbortListener: (() => void) | undefined;
}

/** What a new call may say beyond its kind and timeout. */
export type CallInit = Partial<Pick<Call, 'projectId' | 'path' | 'ackTimeout' | 'onAck' | 'forgets'>>;

/**
 * A new call of `kind`: its timeout from the call's options, else the controller's default for
 * that action. `internal` ones (the controller's re-opens) may be rejected without anyone listening.
 */
export function createCall(kind: KioskAction, options: CallOptions, defaults: ResolvedKioskControllerOptions, init: CallInit, internal = false): Call {
  const timeout = callTimeout(options.timeout, defaults[ACTIONS[kind].timeout]);
  return {
    kind,
    projectId: init.projectId ?? '',
    path: init.path ?? '',
    timeout,
    ackTimeout: init.ackTimeout ?? timeout,
    deferred: new Deferred<unknown>(internal),
    signal: options.signal,
    onAck: init.onAck,
    forgets: init.forgets,
    acked: false,
    timers: [],
    removeAbortListener: undefined,
  };
}

/**
 * How a reply relates to the call in flight: `ack` (progress), `resolve` / `reject` (final), or
 * `none` (not ours: unsolicited, a duplicate, or another request's).
 */
export type ReplyMatch = 'ack' | 'resolve' | 'reject' | 'none';

/** What the controller does on an action's success; implemented by the controller. */
export interface ActionEffects {
  dispatchEvent(event: Event): boolean;
  /** Forgets the desired files `call.forgets` names; re-opens the others. */
  closed(call: Call): Promise<unknown>;
}

/** One kiosk action, described once. */
export interface KioskActionSpec {
  /** The message posted to the kiosk. */
  request(call: Call): KioskRequest;
  /**
   * Which replies belong to the call. CoCalc echoes no request id, so only the order (one request
   * in flight) and the shape tie a reply to its request; `open` replies also name path and project.
   */
  match(call: Call, reply: KioskReply): ReplyMatch;
  /** The option holding the default wait for the final reply, and the code when it does not come. */
  readonly timeout: 'requestTimeout' | 'openTimeout';
  readonly timeoutCode: CocalcErrorCode;
  /** For actions CoCalc acknowledges first: the option holding the default wait for the `ack`. */
  readonly ackTimeout?: 'openAckTimeout';
  /** Runs on the `ack`. */
  acked?(effects: ActionEffects, call: Call): void;
  /** Runs on success, before the next call is sent; its value is what the call resolves with. */
  done(effects: ActionEffects, call: Call, reply: KioskReply): unknown;
}

/** True for the `{status:"done", connection, open_files}` answer to `status`. */
export function isStatusReply(reply: KioskReply): reply is StatusReply {
  return reply.status === 'done' && 'connection' in reply;
}

/** CoCalc's validation errors and its closeall error carry no `action`. */
const isBareError = (reply: KioskReply): boolean => reply.status === 'error' && reply.action === undefined;

/**
 * Every kiosk action, once: keyed by the protocol's `KioskAction`, so a request type added there
 * does not compile until it has an entry here. The channel, the timeouts, the failure paths and
 * the reply matching all read this table; the typed methods of KioskController name an action.
 */
export const ACTIONS: { readonly [A in KioskAction]: KioskActionSpec } = {
  status: {
    request: () => ({ action: 'status' }),
    match: (_call, reply) => (isStatusReply(reply) ? 'resolve' : 'none'),
    timeout: 'requestTimeout',
    timeoutCode: 'REQUEST_TIMEOUT',
    done: (_effects, _call, reply) => toKioskStatus(reply as StatusReply),
  },
  closeall: {
    request: () => ({ action: 'closeall' }),
    match: (_call, reply) => (reply.status === 'done' && 'mesg' in reply && !('action' in reply) ? 'resolve' : isBareError(reply) ? 'reject' : 'none'),
    timeout: 'requestTimeout',
    timeoutCode: 'REQUEST_TIMEOUT',
    done: (effects, call) => effects.closed(call),
  },
  // `ack` then `done` or `error` naming the same path and project; a `done` without a prior `ack`
  // still resolves. Before its `ack`, an error without `action` is its validation error (`invalid
  // project_id=…`, `Unknown action …`, `problem opening project …`); a second `ack` is a duplicate.
  open: {
    request: (call) => ({ action: 'open', project_id: call.projectId, path: call.path }),
    match(call, reply) {
      if (isBareError(reply)) return call.acked ? 'none' : 'reject';
      if (!('action' in reply) || reply.action !== 'open') return 'none';
      if (reply.path !== call.path || (reply.project_id ?? '').toLowerCase() !== call.projectId) return 'none';
      if (reply.status === 'ack') return call.acked ? 'none' : 'ack';
      return reply.status === 'done' ? 'resolve' : 'reject';
    },
    timeout: 'openTimeout',
    timeoutCode: 'OPEN_TIMEOUT',
    ackTimeout: 'openAckTimeout',
    acked(effects, call) {
      effects.dispatchEvent(new KioskFileOpenEvent(call.projectId, call.path));
      try {
        call.onAck?.({ projectId: call.projectId, path: call.path });
      } catch (error) {
        // A throwing progress callback must not break the channel; report it like the DOM does.
        reportError(error);
      }
    },
    done(effects, call) {
      effects.dispatchEvent(new KioskFileOpenedEvent(call.projectId, call.path));
      return { projectId: call.projectId, path: call.path };
    },
  },
};
