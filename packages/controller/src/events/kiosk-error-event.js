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
Object.defineProperty(exports, "__esModule", { value: true });
exports.KioskErrorEvent = void 0;
/** Fired for failures not tied to a call: the ready timeout, or re-opening a file after a reload or close failed. */
var KioskErrorEvent = /** @class */ (function (_super) {
    __extends(KioskErrorEvent, _super);
    /** @param error what failed; `error.retryable` says whether trying again can help */
    function KioskErrorEvent(error) {
        var _this = _super.call(this, KioskErrorEvent.eventName) || this;
        _this.error = error;
        return _this;
    }
    /** The event type, `'error'`. */
    KioskErrorEvent.eventName = 'error';
    return KioskErrorEvent;
}(Event));
exports.KioskErrorEvent = KioskErrorEvent;
