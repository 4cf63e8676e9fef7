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
exports.ProbeSchedule = exports.DEFAULT_PROBE_OPTIONS = void 0;
/** Defaults of {@link ProbeOptions}. */
exports.DEFAULT_PROBE_OPTIONS = Object.freeze({
    initialDelay: 50,
    maxDelay: 1000,
    factor: 1.5,
    burstInterval: 10,
    burstDuration: 1000,
});
/**
 * The delays between `status` probes while a connection is not ready: a short burst at a fixed
 * interval, then exponential back-off capped at `maxDelay`. Pure; the controller owns the timers.
 */
var ProbeSchedule = /** @class */ (function () {
    function ProbeSchedule(options) {
        if (options === void 0) { options = {}; }
        this.elapsed = 0;
        var merged = __assign(__assign({}, exports.DEFAULT_PROBE_OPTIONS), stripUndefined(options));
        for (var _i = 0, _a = Object.entries(merged); _i < _a.length; _i++) {
            var _b = _a[_i], key = _b[0], value = _b[1];
            if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
                throw new RangeError("probe.".concat(key, " must be a finite number >= 0"));
            }
        }
        if (merged.factor < 1)
            throw new RangeError('probe.factor must be >= 1');
        if (merged.initialDelay < 1 || merged.maxDelay < merged.initialDelay) {
            throw new RangeError('probe delays must satisfy 1 <= initialDelay <= maxDelay');
        }
        this.options = Object.freeze(merged);
        this.backoff = merged.initialDelay;
    }
    /** Starts over (a new iframe load): burst first again. */
    ProbeSchedule.prototype.reset = function () {
        this.elapsed = 0;
        this.backoff = this.options.initialDelay;
    };
    /** The delay before the next probe, ms. */
    ProbeSchedule.prototype.next = function () {
        var _a = this.options, burstInterval = _a.burstInterval, burstDuration = _a.burstDuration, maxDelay = _a.maxDelay, factor = _a.factor;
        if (burstInterval > 0 && this.elapsed < burstDuration) {
            this.elapsed += burstInterval;
            return burstInterval;
        }
        var delay = Math.min(this.backoff, maxDelay);
        this.backoff = Math.min(maxDelay, this.backoff * factor);
        this.elapsed += delay;
        return delay;
    };
    return ProbeSchedule;
}());
exports.ProbeSchedule = ProbeSchedule;
function stripUndefined(options) {
    var out = {};
    for (var _i = 0, _a = Object.entries(options); _i < _a.length; _i++) {
        var _b = _a[_i], key = _b[0], value = _b[1];
        if (value !== undefined)
            out[key] = value;
    }
    return out;
}
