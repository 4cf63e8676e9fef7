"use strict";
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
Object.defineProperty(exports, "__esModule", { value: true });
exports.normalizeOrigin = normalizeOrigin;
exports.resolveOptions = resolveOptions;
exports.callTimeout = callTimeout;
var protocol_1 = require("@cocalc-embed/protocol");
var probe_schedule_js_1 = require("./probe-schedule.js");
/**
 * `new URL(origin).origin` for http(s) origins; throws INVALID_ARGUMENT otherwise. `"null"` (an
 * opaque origin) is refused: it would match every sandboxed frame (security-reference.md T3).
 */
function normalizeOrigin(origin) {
    if (typeof origin !== 'string' || origin.trim() === '' || origin.trim() === 'null') {
        throw invalid('origin', "must be an http(s) origin (got ".concat(JSON.stringify(String(origin)), ")"));
    }
    var url;
    try {
        url = new URL(origin.trim());
    }
    catch (_a) {
        throw invalid('origin', "is not a URL (got ".concat(JSON.stringify(origin), ")"));
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw invalid('origin', "must be http(s) (got ".concat(url.protocol, ")"));
    if (url.origin === 'null')
        throw invalid('origin', 'is opaque');
    return url.origin;
}
/** Validates options and applies defaults. Throws INVALID_ARGUMENT synchronously. */
function resolveOptions(options) {
    var _a;
    if (options === null || typeof options !== 'object')
        throw invalid('options', 'must be an object');
    var resolved = {
        origin: normalizeOrigin(options.origin),
        readyTimeout: positive('readyTimeout', options.readyTimeout, 30000),
        requestTimeout: positive('requestTimeout', options.requestTimeout, 5000),
        openAckTimeout: positive('openAckTimeout', options.openAckTimeout, 5000),
        openTimeout: positive('openTimeout', options.openTimeout, 90000),
        maxQueue: positive('maxQueue', options.maxQueue, 10, true),
        probe: __assign({}, ((_a = options.probe) !== null && _a !== void 0 ? _a : {})),
        debug: options.debug === true,
        rateLimit: positive('rateLimit', options.rateLimit, 50),
        rateBurst: positive('rateBurst', options.rateBurst, 100),
    };
    try {
        new probe_schedule_js_1.ProbeSchedule(resolved.probe);
    }
    catch (error) {
        throw invalid('probe', error.message);
    }
    return Object.freeze(resolved);
}
/** Validates a per-call timeout. */
function callTimeout(value, fallback, field) {
    if (field === void 0) { field = 'timeout'; }
    return positive(field, value, fallback);
}
function positive(field, value, fallback, integer) {
    if (integer === void 0) { integer = false; }
    if (value === undefined)
        return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
        throw invalid(field, "must be a positive ".concat(integer ? 'integer' : 'number', " (got ").concat(String(value), ")"));
    }
    return value;
}
function invalid(field, problem) {
    return new protocol_1.CocalcError('INVALID_ARGUMENT', "".concat(field, " ").concat(problem), { details: { field: field } });
}
