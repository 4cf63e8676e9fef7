"use strict";
var __extends = (this && this.__extends) || (function () {
    var extendStatics = function (d, b) {
        extendStatics = Object.setPrototypeOf ||
            ({ __proto__: [] } instanceof Array && function (d, b) { d.__proto__ = b; }) ||
            function (d, b) { for (var p in b) if (Object.prototype.hasOwnProperty.call(b, p)) d[p] = b[p]; };
        return extendStatics(d, b);
    };
    return function (d, b) {
        if (typeof b !== "function" && b !== null)
            throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() { this.constructor = d; }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
    };
})();
var __assign = (this && this.__assign) || function () {
    __assign = Object.assign || function(t) {
        for (var s, i = 1, n = arguments.length; i < n; i++) {
            s = arguments[i];
            for (var p in s) if (Object.prototype.hasOwnProperty.call(s, p))
                t[p] = s[p];
        }
        return t;
    };
    return __assign.apply(this, arguments);
};
var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
var __generator = (this && this.__generator) || function (thisArg, body) {
    var _ = { label: 0, sent: function() { if (t[0] & 1) throw t[1]; return t[1]; }, trys: [], ops: [] }, f, y, t, g = Object.create((typeof Iterator === "function" ? Iterator : Object).prototype);
    return g.next = verb(0), g["throw"] = verb(1), g["return"] = verb(2), typeof Symbol === "function" && (g[Symbol.iterator] = function() { return this; }), g;
    function verb(n) { return function (v) { return step([n, v]); }; }
    function step(op) {
        if (f) throw new TypeError("Generator is already executing.");
        while (g && (g = 0, op[0] && (_ = 0)), _) try {
            if (f = 1, y && (t = op[0] & 2 ? y["return"] : op[0] ? y["throw"] || ((t = y["return"]) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
            if (y = 0, t) op = [op[0] & 2, t.value];
            switch (op[0]) {
                case 0: case 1: t = op; break;
                case 4: _.label++; return { value: op[1], done: false };
                case 5: _.label++; y = op[1]; op = [0]; continue;
                case 7: op = _.ops.pop(); _.trys.pop(); continue;
                default:
                    if (!(t = _.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) { _ = 0; continue; }
                    if (op[0] === 3 && (!t || (op[1] > t[0] && op[1] < t[3]))) { _.label = op[1]; break; }
                    if (op[0] === 6 && _.label < t[1]) { _.label = t[1]; t = op; break; }
                    if (t && _.label < t[2]) { _.label = t[2]; _.ops.push(op); break; }
                    if (t[2]) _.ops.pop();
                    _.trys.pop(); continue;
            }
            op = body.call(thisArg, _);
        } catch (e) { op = [6, e]; y = 0; } finally { f = t = 0; }
        if (op[0] & 5) throw op[1]; return { value: op[0] ? op[1] : void 0, done: true };
    }
};
var __spreadArray = (this && this.__spreadArray) || function (to, from, pack) {
    if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++) {
        if (ar || !(i in from)) {
            if (!ar) ar = Array.prototype.slice.call(from, 0, i);
            ar[i] = from[i];
        }
    }
    return to.concat(ar || Array.prototype.slice.call(from));
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.KioskController = void 0;
var protocol_1 = require("@cocalc-embed/protocol");
var deferred_js_1 = require("./deferred.js");
var debug_log_js_1 = require("./debug-log.js");
var kiosk_error_event_js_1 = require("./events/kiosk-error-event.js");
var kiosk_file_open_event_js_1 = require("./events/kiosk-file-open-event.js");
var kiosk_file_opened_event_js_1 = require("./events/kiosk-file-opened-event.js");
var kiosk_project_log_event_js_1 = require("./events/kiosk-project-log-event.js");
var kiosk_ready_event_js_1 = require("./events/kiosk-ready-event.js");
var kiosk_reload_event_js_1 = require("./events/kiosk-reload-event.js");
var kiosk_state_change_event_js_1 = require("./events/kiosk-state-change-event.js");
var kiosk_controller_options_js_1 = require("./kiosk-controller-options.js");
var kiosk_stats_js_1 = require("./kiosk-stats.js");
var kiosk_status_js_1 = require("./kiosk-status.js");
var probe_schedule_js_1 = require("./probe-schedule.js");
var rate_limiter_js_1 = require("./rate-limiter.js");
var reply_matcher_js_1 = require("./reply-matcher.js");
var request_queue_js_1 = require("./request-queue.js");
/**
 * After an aborted or timed-out request, how long the channel waits for its late reply before
 * sending the next request. Without it, a late reply of the same shape would be taken as the
 * answer to the next request, and every following answer would be off by one.
 */
var DRAIN_MS = 1000;
/**
 * After ready, when several probes were outstanding, how long to wait for their (identical)
 * answers before sending user calls, for the same off-by-one reason. Ends early once every
 * probe of the connection was answered.
 */
var PROBE_SETTLE_MS = 40;
/**
 * Drives one CoCalc kiosk iframe over CoCalc's real postMessage protocol (cocalc-reference.md §1):
 * three actions, no handshake, no request ids, silent failures.
 *
 * - Readiness: `status` probes from the start and again after every iframe `load` (a burst,
 *   then back-off); the first valid status reply makes the connection ready. A `load` after
 *   ready is a reload: a new connection, pending calls reject with RELOADED, and the desired
 *   files are re-opened once ready again.
 * - Exactly one request in flight, a bounded FIFO behind it; replies are matched by order and
 *   shape ({@link matchReply}); every call has a timeout and an `AbortSignal`.
 * - Inbound messages are accepted only from `iframe.contentWindow` at exactly `origin`,
 *   rate-limited per source, and validated into fresh null-prototype objects; outbound messages
 *   always name `origin` as targetOrigin, never `"*"`.
 *
 * @fires {KioskReadyEvent} ready - each time a connection becomes ready
 * @fires {KioskReloadEvent} reload - the iframe reloaded after having been ready
 * @fires {KioskFileOpenEvent} file-open - CoCalc acked an open
 * @fires {KioskFileOpenedEvent} file-opened - an open finished
 * @fires {KioskProjectLogEvent} project-log - a validated project-log entry
 * @fires {KioskErrorEvent} error - a failure not tied to a call
 * @fires {KioskStateChangeEvent} state-change - `state` changed
 */
var KioskController = /** @class */ (function (_super) {
    __extends(KioskController, _super);
    function KioskController(iframe, options) {
        var _a;
        var _this = _super.call(this) || this;
        _this.listeners = new AbortController();
        _this.timers = new Set();
        _this.counters = (0, kiosk_stats_js_1.createStats)();
        _this.desired = [];
        _this.currentState = 'connecting';
        _this.readyDeferred = new deferred_js_1.Deferred(true);
        _this.generation = 1;
        _this.probesSent = 0;
        _this.probesAnswered = 0;
        /** Set by a reload after ready: the desired files must be re-opened on the next ready. */
        _this.reopenPending = false;
        _this.iframe = iframe;
        _this.origin = options.origin;
        _this.options = options;
        _this.queue = new request_queue_js_1.RequestQueue(options.maxQueue);
        _this.probes = new probe_schedule_js_1.ProbeSchedule(options.probe);
        _this.limiter = new rate_limiter_js_1.RateLimiter(options.rateLimit, options.rateBurst);
        _this.log = options.debug ? new debug_log_js_1.DebugLog(200) : undefined;
        var hostWindow = (_a = iframe.ownerDocument.defaultView) !== null && _a !== void 0 ? _a : window;
        var signal = _this.listeners.signal;
        hostWindow.addEventListener('message', function (event) { return _this.onMessage(event); }, { signal: signal });
        iframe.addEventListener('load', function () { return _this.onLoad(); }, { signal: signal });
        _this.debug('info', "connect origin=".concat(_this.origin, " src=").concat(iframe.src));
        _this.startConnecting();
        return _this;
    }
    /**
     * Starts talking to the kiosk in `iframe`, which may still be loading or already loaded.
     * Throws INVALID_ARGUMENT synchronously on bad options.
     */
    KioskController.connect = function (iframe, options) {
        if (!iframe || typeof iframe !== 'object' || iframe.tagName !== 'IFRAME') {
            throw new protocol_1.CocalcError('INVALID_ARGUMENT', 'iframe must be an HTMLIFrameElement', { details: { field: 'iframe' } });
        }
        return new KioskController(iframe, (0, kiosk_controller_options_js_1.resolveOptions)(options));
    };
    Object.defineProperty(KioskController.prototype, "state", {
        /** Current lifecycle state. */
        get: function () {
            return this.currentState;
        },
        enumerable: false,
        configurable: true
    });
    Object.defineProperty(KioskController.prototype, "ready", {
        /**
         * Resolves when the current connection answered its first status probe; a fresh promise after
         * each reload. Rejects with READY_TIMEOUT (state 'failed') or DESTROYED.
         */
        get: function () {
            return this.readyDeferred.promise;
        },
        enumerable: false,
        configurable: true
    });
    Object.defineProperty(KioskController.prototype, "desiredFiles", {
        /** Files that should be open (maintained by open/close/closeAll), oldest first; re-opened after a kiosk reload. */
        get: function () {
            return Object.freeze(this.desired.map(function (file) { return Object.freeze(__assign({}, file)); }));
        },
        enumerable: false,
        configurable: true
    });
    Object.defineProperty(KioskController.prototype, "stats", {
        /** Counters for diagnostics: messages accepted and rejected by origin/source/shape/rate. A snapshot. */
        get: function () {
            return Object.freeze(__assign({}, this.counters));
        },
        enumerable: false,
        configurable: true
    });
    /**
     * Opens `path` in project `projectId` and brings it to the front. Resolves on CoCalc's `done`;
     * `onAck` and a `file-open` event report its `ack`. Rejects REMOTE_ERROR with CoCalc's `mesg`,
     * REQUEST_TIMEOUT without ack, OPEN_TIMEOUT without done, and ABORTED/RELOADED/DESTROYED/
     * QUEUE_FULL/READY_TIMEOUT as their names say. The file joins {@link desiredFiles} at once and
     * leaves it again if the open fails for any reason other than a reload.
     */
    KioskController.prototype.open = function (path, options) {
        var _this = this;
        try {
            (0, protocol_1.assertProjectPath)(path);
            if (!options || !(0, protocol_1.isValidUuid)(options.projectId)) {
                throw new protocol_1.CocalcError('INVALID_ARGUMENT', "projectId must be a UUID (got ".concat(JSON.stringify(String(options === null || options === void 0 ? void 0 : options.projectId)), ")"), {
                    details: { field: 'projectId' },
                });
            }
            var projectId_1 = options.projectId.toLowerCase();
            var timeout = (0, kiosk_controller_options_js_1.callTimeout)(options.timeout, this.options.openTimeout);
            var ackTimeout = (0, kiosk_controller_options_js_1.callTimeout)(options.ackTimeout, this.options.openAckTimeout, 'ackTimeout');
            var guard = this.refuseCall();
            if (guard)
                return Promise.reject(guard);
            this.addDesired(projectId_1, path);
            var call = this.makeCall('open', { projectId: projectId_1, path: path, timeout: timeout, ackTimeout: ackTimeout, signal: options.signal, onAck: options.onAck });
            this.submit(call);
            return call.deferred.promise.then(function () { return ({ projectId: projectId_1, path: path }); }, function (error) {
                if (error.code !== 'RELOADED' && error.code !== 'DESTROYED')
                    _this.removeDesired(projectId_1, path);
                throw error;
            });
        }
        catch (error) {
            return Promise.reject(error);
        }
    };
    /**
     * Closes one file. CoCalc has no per-file close, so this sends `closeall` and then re-opens the
     * other desired files in their order. Cost: one `closeall` plus N `open`s (each a round trip and
     * a frontend open_file), and the kiosk shows its banner briefly. Resolves once `closeall`
     * succeeded and the re-opens were attempted; a failed re-open is reported as an `error` event
     * and drops that file from {@link desiredFiles}. Without `projectId`, every desired file with
     * that path is closed.
     */
    KioskController.prototype.close = function (path_1) {
        return __awaiter(this, arguments, void 0, function (path, options) {
            var projectId, guard, reopened, call;
            var _this = this;
            var _a;
            if (options === void 0) { options = {}; }
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        projectId = (_a = options.projectId) === null || _a === void 0 ? void 0 : _a.toLowerCase();
                        if (projectId !== undefined && !(0, protocol_1.isValidUuid)(projectId)) {
                            throw new protocol_1.CocalcError('INVALID_ARGUMENT', 'projectId must be a UUID', { details: { field: 'projectId' } });
                        }
                        guard = this.refuseCall();
                        if (guard)
                            throw guard;
                        reopened = [];
                        call = this.makeCall('closeall', {
                            timeout: (0, kiosk_controller_options_js_1.callTimeout)(options.timeout, this.options.requestTimeout),
                            signal: options.signal,
                            afterSuccess: function () {
                                for (var i = _this.desired.length - 1; i >= 0; i--) {
                                    var file = _this.desired[i];
                                    if (file.path === path && (projectId === undefined || file.projectId === projectId))
                                        _this.desired.splice(i, 1);
                                }
                                reopened.push.apply(reopened, _this.queueReopens('close'));
                            },
                        });
                        this.submit(call);
                        return [4 /*yield*/, call.deferred.promise];
                    case 1:
                        _b.sent();
                        return [4 /*yield*/, Promise.allSettled(reopened)];
                    case 2:
                        _b.sent();
                        return [2 /*return*/];
                }
            });
        });
    };
    /** Closes every file and project tab (`closeall`) and forgets all desired files. */
    KioskController.prototype.closeAll = function () {
        return __awaiter(this, arguments, void 0, function (options) {
            var guard, call;
            var _this = this;
            if (options === void 0) { options = {}; }
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        guard = this.refuseCall();
                        if (guard)
                            throw guard;
                        call = this.makeCall('closeall', {
                            timeout: (0, kiosk_controller_options_js_1.callTimeout)(options.timeout, this.options.requestTimeout),
                            signal: options.signal,
                            afterSuccess: function () {
                                _this.desired.length = 0;
                            },
                        });
                        this.submit(call);
                        return [4 /*yield*/, call.deferred.promise];
                    case 1:
                        _a.sent();
                        return [2 /*return*/];
                }
            });
        });
    };
    /** Asks the kiosk for its connection state and open files. */
    KioskController.prototype.status = function () {
        return __awaiter(this, arguments, void 0, function (options) {
            var guard, call, _a;
            if (options === void 0) { options = {}; }
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        guard = this.refuseCall();
                        if (guard)
                            throw guard;
                        call = this.makeCall('status', { timeout: (0, kiosk_controller_options_js_1.callTimeout)(options.timeout, this.options.requestTimeout), signal: options.signal });
                        this.submit(call);
                        _a = kiosk_status_js_1.toKioskStatus;
                        return [4 /*yield*/, call.deferred.promise];
                    case 1: return [2 /*return*/, _a.apply(void 0, [(_b.sent())])];
                }
            });
        });
    };
    /** Re-probes after a READY_TIMEOUT (state 'failed' → 'connecting'); no-op in any other state. */
    KioskController.prototype.reconnect = function () {
        if (this.currentState !== 'failed')
            return;
        this.readyDeferred = new deferred_js_1.Deferred(true);
        this.startConnecting();
    };
    /** Idempotent. Removes every listener and timer and rejects everything pending with DESTROYED. Works before ready. */
    KioskController.prototype.destroy = function () {
        if (this.currentState === 'destroyed')
            return;
        this.listeners.abort();
        for (var _i = 0, _a = this.timers; _i < _a.length; _i++) {
            var timer = _a[_i];
            clearTimeout(timer);
        }
        this.timers.clear();
        this.readyTimer = this.probeTimer = this.settleTimer = undefined;
        this.zombie = undefined;
        var error = function () { return new protocol_1.CocalcError('DESTROYED', 'The kiosk controller was destroyed'); };
        this.readyDeferred.reject(error());
        var pending = this.inFlight ? __spreadArray([this.inFlight], this.queue.drain(), true) : this.queue.drain();
        this.inFlight = undefined;
        this.setState('destroyed');
        for (var _b = 0, pending_1 = pending; _b < pending_1.length; _b++) {
            var call = pending_1[_b];
            this.settle(call, error());
        }
    };
    /** Bounded debug log (only with `debug: true`, otherwise empty), oldest first; tokens redacted. */
    KioskController.prototype.debugLog = function () {
        return this.log ? this.log.entries() : Object.freeze([]);
    };
    KioskController.prototype.addEventListener = function (type, listener, options) {
        _super.prototype.addEventListener.call(this, type, listener, options);
    };
    KioskController.prototype.removeEventListener = function (type, listener, options) {
        _super.prototype.removeEventListener.call(this, type, listener, options);
    };
    // ---------------------------------------------------------------- connection lifecycle
    KioskController.prototype.startConnecting = function () {
        var _this = this;
        this.setState('connecting');
        this.clearTimer(this.readyTimer);
        this.readyTimer = this.later(function () { return _this.onReadyTimeout(); }, this.options.readyTimeout);
        this.restartProbes();
    };
    KioskController.prototype.restartProbes = function () {
        this.clearTimer(this.probeTimer);
        this.probes.reset();
        this.probesSent = 0;
        this.probesAnswered = 0;
        // Probe at once: if the iframe had already loaded before connect(), its load event is gone
        // and nothing else would tell us to start. A probe that reaches a not-yet-loaded frame is
        // dropped by the browser (targetOrigin mismatch), which is harmless.
        this.probe();
    };
    KioskController.prototype.probe = function () {
        var _this = this;
        this.probeTimer = undefined;
        if (this.currentState !== 'connecting')
            return;
        if (this.post({ action: 'status' }))
            this.probesSent++;
        this.probeTimer = this.later(function () { return _this.probe(); }, this.probes.next());
    };
    KioskController.prototype.onLoad = function () {
        if (this.currentState === 'destroyed')
            return;
        this.generation++;
        var wasReady = this.currentState === 'ready';
        this.debug('info', "iframe load, generation ".concat(this.generation).concat(wasReady ? ' (reload)' : ''));
        // Anything expected from the previous document is stale now.
        this.clearTimer(this.settleTimer);
        this.settleTimer = undefined;
        if (this.zombie)
            this.clearTimer(this.zombie.timer);
        this.zombie = undefined;
        if (wasReady)
            this.reopenPending = true;
        if (wasReady) {
            var reloaded = function () { return new protocol_1.CocalcError('RELOADED', 'The kiosk reloaded while the call was pending'); };
            var pending = this.inFlight ? __spreadArray([this.inFlight], this.queue.drain(), true) : this.queue.drain();
            this.inFlight = undefined;
            for (var _i = 0, pending_2 = pending; _i < pending_2.length; _i++) {
                var call = pending_2[_i];
                this.settle(call, reloaded());
            }
            this.readyDeferred = new deferred_js_1.Deferred(true);
            this.dispatchEvent(new kiosk_reload_event_js_1.KioskReloadEvent(this.generation));
            if (this.currentState !== 'ready')
                return; // a listener destroyed us
            this.startConnecting();
            return;
        }
        if (this.currentState === 'failed') {
            // A new document is a new chance: probe again with a fresh ready timeout.
            this.readyDeferred = new deferred_js_1.Deferred(true);
            this.startConnecting();
            return;
        }
        // Still connecting (e.g. sign-in reload before the first ready): keep the overall ready
        // timeout, restart the fast probes for the new document. Queued calls keep waiting.
        this.restartProbes();
    };
    KioskController.prototype.becomeReady = function () {
        var _this = this;
        this.clearTimer(this.probeTimer);
        this.probeTimer = undefined;
        this.clearTimer(this.readyTimer);
        this.readyTimer = undefined;
        this.probesAnswered++;
        var reconnected = this.reopenPending;
        this.setState('ready');
        this.debug('state', "ready (generation ".concat(this.generation, ", ").concat(this.probesSent, " probes)"));
        this.readyDeferred.resolve();
        this.dispatchEvent(new kiosk_ready_event_js_1.KioskReadyEvent(this.generation, reconnected));
        if (this.currentState !== 'ready')
            return;
        if (this.reopenPending) {
            this.reopenPending = false;
            this.queueReopens('reload');
        }
        if (this.probesAnswered < this.probesSent) {
            this.settleTimer = this.later(function () { return _this.endSettle(); }, PROBE_SETTLE_MS);
            return;
        }
        this.pump();
    };
    KioskController.prototype.endSettle = function () {
        this.clearTimer(this.settleTimer);
        this.settleTimer = undefined;
        this.pump();
    };
    KioskController.prototype.onReadyTimeout = function () {
        this.readyTimer = undefined;
        if (this.currentState !== 'connecting')
            return;
        this.clearTimer(this.probeTimer);
        this.probeTimer = undefined;
        var error = new protocol_1.CocalcError('READY_TIMEOUT', "The kiosk at ".concat(this.origin, " did not answer a status probe within ").concat(this.options.readyTimeout, " ms"), { details: { probes: this.probesSent } });
        this.setState('failed');
        this.readyDeferred.reject(error);
        for (var _i = 0, _a = this.queue.drain(); _i < _a.length; _i++) {
            var call = _a[_i];
            this.settle(call, error);
        }
        this.dispatchEvent(new kiosk_error_event_js_1.KioskErrorEvent(error));
    };
    KioskController.prototype.setState = function (state) {
        var previous = this.currentState;
        if (previous === state)
            return;
        this.currentState = state;
        this.debug('state', "".concat(previous, " -> ").concat(state));
        this.dispatchEvent(new kiosk_state_change_event_js_1.KioskStateChangeEvent(state, previous));
    };
    // ---------------------------------------------------------------- calls
    /** Why a new call cannot be accepted now, or undefined. Calls made while connecting wait. */
    KioskController.prototype.refuseCall = function () {
        if (this.currentState === 'destroyed')
            return new protocol_1.CocalcError('DESTROYED', 'The kiosk controller was destroyed');
        if (this.currentState === 'failed') {
            return new protocol_1.CocalcError('NOT_READY', 'The kiosk never became ready; call reconnect() or reload the iframe');
        }
        return undefined;
    };
    KioskController.prototype.makeCall = function (kind, init) {
        var _a, _b, _c;
        return {
            kind: kind,
            projectId: (_a = init.projectId) !== null && _a !== void 0 ? _a : '',
            path: (_b = init.path) !== null && _b !== void 0 ? _b : '',
            timeout: init.timeout,
            ackTimeout: (_c = init.ackTimeout) !== null && _c !== void 0 ? _c : init.timeout,
            internal: init.internal === true,
            deferred: new deferred_js_1.Deferred(init.internal === true),
            signal: init.signal,
            onAck: init.onAck,
            afterSuccess: init.afterSuccess,
            acked: false,
            timers: [],
            removeAbortListener: undefined,
        };
    };
    KioskController.prototype.submit = function (call) {
        var _this = this;
        var signal = call.signal;
        if (signal === null || signal === void 0 ? void 0 : signal.aborted) {
            this.settle(call, abortedError(signal));
            return;
        }
        if (!this.queue.push(call)) {
            this.settle(call, new protocol_1.CocalcError('QUEUE_FULL', "At most ".concat(this.options.maxQueue, " calls may wait for the kiosk")));
            return;
        }
        if (signal) {
            var onAbort_1 = function () { return _this.onAbort(call); };
            signal.addEventListener('abort', onAbort_1, { once: true });
            call.removeAbortListener = function () { return signal.removeEventListener('abort', onAbort_1); };
        }
        this.debug('call', "queued ".concat(call.kind).concat(call.path ? " ".concat(call.path) : ''));
        this.pump();
    };
    KioskController.prototype.onAbort = function (call) {
        var error = abortedError(call.signal);
        if (this.queue.remove(call)) {
            this.settle(call, error);
            return;
        }
        if (this.inFlight === call)
            this.failInFlight(call, error);
    };
    /** Sends the next queued call when the channel is free. */
    KioskController.prototype.pump = function () {
        var _this = this;
        if (this.currentState !== 'ready' || this.inFlight || this.zombie || this.settleTimer !== undefined)
            return;
        var call = this.queue.shift();
        if (!call)
            return;
        var request = call.kind === 'open' ? { action: 'open', project_id: call.projectId, path: call.path } : { action: call.kind };
        this.inFlight = call;
        if (!this.post(request)) {
            this.inFlight = undefined;
            this.settle(call, new protocol_1.CocalcError('NOT_READY', 'The kiosk iframe has no window (removed from the document?)'));
            this.pump();
            return;
        }
        var code = call.kind === 'open' ? 'OPEN_TIMEOUT' : 'REQUEST_TIMEOUT';
        call.timers.push(this.later(function () { return _this.failInFlight(call, new protocol_1.CocalcError(code, "No reply to ".concat(call.kind, " within ").concat(call.timeout, " ms"))); }, call.timeout));
        if (call.kind === 'open' && call.ackTimeout < call.timeout) {
            call.timers.push(this.later(function () {
                if (!call.acked)
                    _this.failInFlight(call, new protocol_1.CocalcError('REQUEST_TIMEOUT', "No ack to open within ".concat(call.ackTimeout, " ms")));
            }, call.ackTimeout));
        }
    };
    /** Rejects the call in flight and frees the channel, swallowing its late replies when they would be ambiguous. */
    KioskController.prototype.failInFlight = function (call, error) {
        var _this = this;
        if (this.inFlight !== call)
            return;
        this.inFlight = undefined;
        this.settle(call, error);
        // Replies of an acked open name their path, so they cannot be mistaken for another call's;
        // everything else (status/closeall done, validation errors) could, so wait for it a while.
        if (!(call.kind === 'open' && call.acked)) {
            var expectation = this.expectationOf(call);
            var timer_1 = this.later(function () {
                var _a;
                if (((_a = _this.zombie) === null || _a === void 0 ? void 0 : _a.timer) === timer_1) {
                    _this.zombie = undefined;
                    _this.pump();
                }
            }, DRAIN_MS);
            this.zombie = { expectation: expectation, timer: timer_1 };
        }
        this.pump();
    };
    KioskController.prototype.settle = function (call, error, value) {
        var _a;
        for (var _i = 0, _b = call.timers; _i < _b.length; _i++) {
            var timer = _b[_i];
            this.clearTimer(timer);
        }
        call.timers = [];
        (_a = call.removeAbortListener) === null || _a === void 0 ? void 0 : _a.call(call);
        call.removeAbortListener = undefined;
        if (error) {
            this.debug('call', "".concat(call.kind).concat(call.path ? " ".concat(call.path) : '', " failed: ").concat(error.code));
            call.deferred.reject(error);
        }
        else
            call.deferred.resolve(value);
    };
    KioskController.prototype.expectationOf = function (call) {
        return call.kind === 'open' ? { kind: 'open', projectId: call.projectId, path: call.path, acked: call.acked } : { kind: call.kind };
    };
    // ---------------------------------------------------------------- desired files
    KioskController.prototype.addDesired = function (projectId, path) {
        this.removeDesired(projectId, path);
        this.desired.push({ projectId: projectId, path: path });
    };
    KioskController.prototype.removeDesired = function (projectId, path) {
        var index = this.desired.findIndex(function (file) { return file.projectId === projectId && file.path === path; });
        if (index !== -1)
            this.desired.splice(index, 1);
    };
    /** Queues internal opens of every desired file at the front; failures become `error` events. */
    KioskController.prototype.queueReopens = function (reason) {
        var _this = this;
        var calls = this.desired.map(function (file) {
            return _this.makeCall('open', {
                projectId: file.projectId,
                path: file.path,
                timeout: _this.options.openTimeout,
                ackTimeout: _this.options.openAckTimeout,
                internal: true,
            });
        });
        var _loop_1 = function (call) {
            call.deferred.promise.catch(function (error) {
                if (error.code === 'RELOADED' || error.code === 'DESTROYED')
                    return;
                _this.removeDesired(call.projectId, call.path);
                var wrapped = new protocol_1.CocalcError(error.code, "Re-opening ".concat(call.path, " after a ").concat(reason, " failed: ").concat(error.message), {
                    cause: error,
                    details: __assign(__assign({}, error.details), { projectId: call.projectId, path: call.path, reason: reason }),
                });
                _this.dispatchEvent(new kiosk_error_event_js_1.KioskErrorEvent(wrapped));
            });
        };
        for (var _i = 0, calls_1 = calls; _i < calls_1.length; _i++) {
            var call = calls_1[_i];
            _loop_1(call);
        }
        this.queue.pushFront(calls);
        return calls.map(function (call) { return call.deferred.promise; });
    };
    // ---------------------------------------------------------------- messages
    KioskController.prototype.post = function (request) {
        var target = this.iframe.contentWindow;
        if (!target)
            return false;
        // Always the exact kiosk origin: if the frame navigated elsewhere, the browser drops it (T4).
        target.postMessage(request, this.origin);
        this.debug('out', (0, debug_log_js_1.describeData)(request));
        return true;
    };
    KioskController.prototype.onMessage = function (event) {
        var _a, _b;
        // O(1) checks first, so a flood from other windows costs almost nothing (A11).
        if (event.origin !== this.origin) {
            this.counters.rejectedOrigin++;
            return;
        }
        var source = this.iframe.contentWindow;
        if (source === null || event.source !== source) {
            this.counters.rejectedSource++;
            return;
        }
        var data = event.data;
        if (!this.limiter.tryTake()) {
            // Even when flooded, a valid reply to what we wait for must get through: a cheap pre-check
            // keeps junk O(1), then a full parse decides.
            var reply_1 = looksLikeReply(data) ? (0, protocol_1.parseKioskReply)(data) : undefined;
            if (reply_1 && this.isAwaited(reply_1)) {
                this.counters.accepted++;
                this.handleReply(reply_1);
            }
            else {
                this.counters.rejectedRate++;
                this.debug('drop', 'rate limited');
            }
            return;
        }
        if ((0, protocol_1.isPlainObject)(data) && Object.prototype.hasOwnProperty.call(data, 'source') && data.source === protocol_1.PROJECT_LOG_SOURCE) {
            var entry = (0, protocol_1.parseProjectLogMessage)(data);
            if (!entry) {
                this.counters.rejectedShape++;
                this.debug('drop', 'malformed project-log message');
                return;
            }
            this.counters.accepted++;
            this.debug('in', "project-log ".concat((_a = entry.event.event) !== null && _a !== void 0 ? _a : '', " ").concat((_b = entry.event.filename) !== null && _b !== void 0 ? _b : ''));
            this.dispatchEvent(new kiosk_project_log_event_js_1.KioskProjectLogEvent(entry, entry.event.time));
            return;
        }
        var reply = (0, protocol_1.parseKioskReply)(data);
        if (!reply) {
            this.counters.rejectedShape++;
            this.debug('drop', "bad shape (".concat(data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data, ")"));
            return;
        }
        this.counters.accepted++;
        this.debug('in', (0, debug_log_js_1.describeData)(reply));
        this.handleReply(reply);
    };
    /** Whether `reply` is something the controller is waiting for right now (used to bypass the rate limit). */
    KioskController.prototype.isAwaited = function (reply) {
        if (this.currentState === 'connecting')
            return (0, reply_matcher_js_1.isStatusReply)(reply);
        if (this.currentState !== 'ready')
            return false;
        if (this.settleTimer !== undefined && (0, reply_matcher_js_1.isStatusReply)(reply))
            return true;
        if (this.zombie && (0, reply_matcher_js_1.matchReply)(this.zombie.expectation, reply) !== 'none')
            return true;
        return this.inFlight !== undefined && (0, reply_matcher_js_1.matchReply)(this.expectationOf(this.inFlight), reply) !== 'none';
    };
    KioskController.prototype.handleReply = function (reply) {
        var _this = this;
        var _a, _b;
        if (this.currentState === 'connecting') {
            if ((0, reply_matcher_js_1.isStatusReply)(reply))
                this.becomeReady();
            else
                this.counters.unmatched++;
            return;
        }
        if (this.currentState !== 'ready') {
            this.counters.unmatched++;
            return;
        }
        if (this.settleTimer !== undefined) {
            // Late answers to the other readiness probes of this connection.
            if ((0, reply_matcher_js_1.isStatusReply)(reply)) {
                this.probesAnswered++;
                if (this.probesAnswered >= this.probesSent)
                    this.endSettle();
                else {
                    this.clearTimer(this.settleTimer);
                    this.settleTimer = this.later(function () { return _this.endSettle(); }, PROBE_SETTLE_MS);
                }
            }
            else
                this.counters.unmatched++;
            return;
        }
        if (this.zombie) {
            var match_1 = (0, reply_matcher_js_1.matchReply)(this.zombie.expectation, reply);
            if (match_1 !== 'none') {
                this.debug('drop', "late reply of an abandoned request swallowed");
                this.clearTimer(this.zombie.timer);
                this.zombie = undefined;
                this.counters.unmatched++;
                this.pump();
                return;
            }
        }
        var call = this.inFlight;
        var match = call ? (0, reply_matcher_js_1.matchReply)(this.expectationOf(call), reply) : 'none';
        if (!call || match === 'none') {
            this.counters.unmatched++;
            return;
        }
        switch (match) {
            case 'ack':
                call.acked = true;
                this.dispatchEvent(new kiosk_file_open_event_js_1.KioskFileOpenEvent(call.projectId, call.path));
                try {
                    (_a = call.onAck) === null || _a === void 0 ? void 0 : _a.call(call, { projectId: call.projectId, path: call.path });
                }
                catch (error) {
                    // A throwing progress callback must not break the channel; report it like the DOM does.
                    reportError(error);
                }
                return;
            case 'resolve':
                this.inFlight = undefined;
                this.settle(call, undefined, reply);
                if (call.kind === 'open')
                    this.dispatchEvent(new kiosk_file_opened_event_js_1.KioskFileOpenedEvent(call.projectId, call.path));
                (_b = call.afterSuccess) === null || _b === void 0 ? void 0 : _b.call(call);
                this.pump();
                return;
            case 'reject': {
                this.inFlight = undefined;
                var mesg = 'mesg' in reply ? String(reply.mesg) : '';
                this.settle(call, new protocol_1.CocalcError('REMOTE_ERROR', "CoCalc refused ".concat(call.kind, ": ").concat(mesg), { details: { mesg: mesg } }));
                this.pump();
                return;
            }
        }
    };
    // ---------------------------------------------------------------- timers and logging
    KioskController.prototype.later = function (fn, ms) {
        var _this = this;
        var timer = setTimeout(function () {
            _this.timers.delete(timer);
            fn();
        }, ms);
        this.timers.add(timer);
        return timer;
    };
    KioskController.prototype.clearTimer = function (timer) {
        if (timer === undefined)
            return;
        clearTimeout(timer);
        this.timers.delete(timer);
    };
    KioskController.prototype.debug = function (kind, text) {
        var _a;
        (_a = this.log) === null || _a === void 0 ? void 0 : _a.add(kind, text);
    };
    return KioskController;
}(EventTarget));
exports.KioskController = KioskController;
/** O(1) test that `data` could be a kiosk reply at all: a plain object with a known `status`. */
function looksLikeReply(data) {
    if (!(0, protocol_1.isPlainObject)(data) || !Object.prototype.hasOwnProperty.call(data, 'status'))
        return false;
    var status = data.status;
    return status === 'done' || status === 'ack' || status === 'error';
}
function abortedError(signal) {
    return new protocol_1.CocalcError('ABORTED', 'The call was aborted', { cause: signal.reason });
}
