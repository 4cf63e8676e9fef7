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
exports.KioskStateChangeEvent = void 0;
/** Fired whenever `KioskController.state` changes. */
var KioskStateChangeEvent = /** @class */ (function (_super) {
    __extends(KioskStateChangeEvent, _super);
    /**
     * @param state the new state
     * @param previous the state before
     */
    function KioskStateChangeEvent(state, previous) {
        var _this = _super.call(this, KioskStateChangeEvent.eventName) || this;
        _this.state = state;
        _this.previous = previous;
        return _this;
    }
    /** The event type, `'state-change'`. */
    KioskStateChangeEvent.eventName = 'state-change';
    return KioskStateChangeEvent;
}(Event));
exports.KioskStateChangeEvent = KioskStateChangeEvent;
