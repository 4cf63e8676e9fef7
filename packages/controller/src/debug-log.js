"use strict";
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
exports.DebugLog = void 0;
exports.redactSecrets = redactSecrets;
exports.describeData = describeData;
var protocol_1 = require("@cocalc-embed/protocol");
/** Longest text kept per entry: junk can be huge, the log must stay small. */
var MAX_TEXT = 500;
/**
 * Replaces anything that looks like an auth token. The kiosk `src` may carry `auth_token=…`
 * (sign-in era C, cocalc-reference.md §2.3) and must never reach a log (goal G10).
 */
function redactSecrets(text) {
    return text
        .replace(/(auth_token=)([^&#\s"']*)/gi, function (_m, key, token) { return key + (0, protocol_1.redactToken)(token); })
        .replace(/("?auth_token"?\s*:\s*"?)([A-Za-z0-9]{8,})/gi, function (_m, key, token) { return key + (0, protocol_1.redactToken)(token); });
}
/**
 * A fixed-size ring buffer of {@link KioskDebugEntry}: O(1) per entry, bounded memory whatever
 * a flood of messages does.
 */
var DebugLog = /** @class */ (function () {
    /** @param capacity entries kept; the oldest are overwritten. */
    function DebugLog(capacity) {
        if (capacity === void 0) { capacity = 200; }
        this.capacity = capacity;
        this.buffer = [];
        this.start = 0;
    }
    /** Appends an entry (redacted and truncated). */
    DebugLog.prototype.add = function (kind, text) {
        var clean = redactSecrets(text.length > MAX_TEXT * 2 ? text.slice(0, MAX_TEXT * 2) : text);
        var entry = Object.freeze({
            at: performance.timeOrigin + performance.now(),
            kind: kind,
            text: clean.length > MAX_TEXT ? "".concat(clean.slice(0, MAX_TEXT), "\u2026") : clean,
        });
        if (this.buffer.length < this.capacity)
            this.buffer.push(entry);
        else {
            this.buffer[this.start] = entry;
            this.start = (this.start + 1) % this.capacity;
        }
    };
    /** The entries, oldest first. */
    DebugLog.prototype.entries = function () {
        return Object.freeze(__spreadArray(__spreadArray([], this.buffer.slice(this.start), true), this.buffer.slice(0, this.start), true));
    };
    return DebugLog;
}());
exports.DebugLog = DebugLog;
/** A short, safe description of untrusted message data for the log. Never throws. */
function describeData(data) {
    try {
        if (data === null || typeof data !== 'object')
            return typeof data === 'string' ? JSON.stringify(data.slice(0, 200)) : String(data);
        var json = JSON.stringify(data, function (_k, v) { return (typeof v === 'string' && v.length > 200 ? "".concat(v.slice(0, 200), "\u2026") : v); });
        return json === undefined ? Object.prototype.toString.call(data) : json.slice(0, MAX_TEXT);
    }
    catch (_a) {
        return Object.prototype.toString.call(data);
    }
}
