"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RateLimiter = void 0;
/**
 * An O(1) token bucket. The controller keeps one per accepted message source so that a kiosk
 * (or a script running inside it, security-reference.md T5/F8) flooding the host window cannot
 * make us spend unbounded time parsing messages (WHATWG HTML §9.3.2.1 suggests rate limits).
 * Refill is computed lazily from the elapsed time, so there is no timer to clean up.
 */
var RateLimiter = /** @class */ (function () {
    /**
     * @param ratePerSecond sustained rate, default 50 messages/s (goal G3)
     * @param burst bucket size, default 100
     * @param now clock in ms; injectable for tests
     */
    function RateLimiter(ratePerSecond, burst, now) {
        if (ratePerSecond === void 0) { ratePerSecond = 50; }
        if (burst === void 0) { burst = 100; }
        if (now === void 0) { now = function () { return performance.now(); }; }
        this.now = now;
        if (!(ratePerSecond > 0) || !(burst >= 1))
            throw new RangeError('RateLimiter needs ratePerSecond > 0 and burst >= 1');
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.last = now();
    }
    /** Takes one token; `false` when the bucket is empty (the message should be dropped). */
    RateLimiter.prototype.tryTake = function () {
        var now = this.now();
        var elapsed = now - this.last;
        this.last = now;
        if (elapsed > 0)
            this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
        if (this.tokens >= 1) {
            this.tokens -= 1;
            return true;
        }
        return false;
    };
    Object.defineProperty(RateLimiter.prototype, "available", {
        /** Tokens currently available (fractional), for diagnostics and tests. */
        get: function () {
            return this.tokens;
        },
        enumerable: false,
        configurable: true
    });
    return RateLimiter;
}());
exports.RateLimiter = RateLimiter;
