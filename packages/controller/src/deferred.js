"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Deferred = void 0;
/** A promise with its settle functions, and whether it settled (so it is never settled twice). */
var Deferred = /** @class */ (function () {
    /** @param handled mark rejections handled, so an unobserved rejection is not reported as unhandled */
    function Deferred(handled) {
        if (handled === void 0) { handled = false; }
        var _this = this;
        /** True once resolved or rejected. */
        this.settled = false;
        this.promise = new Promise(function (resolve, reject) {
            _this.resolveFn = resolve;
            _this.rejectFn = reject;
        });
        if (handled)
            this.promise.catch(function () { });
    }
    /** Resolves unless already settled. */
    Deferred.prototype.resolve = function (value) {
        if (this.settled)
            return;
        this.settled = true;
        this.resolveFn(value);
    };
    /** Rejects unless already settled. */
    Deferred.prototype.reject = function (reason) {
        if (this.settled)
            return;
        this.settled = true;
        this.rejectFn(reason);
    };
    return Deferred;
}());
exports.Deferred = Deferred;
