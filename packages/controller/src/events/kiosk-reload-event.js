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
exports.KioskReloadEvent = void 0;
/** Fired when the iframe navigated or reloaded after having been ready; pending calls were rejected with RELOADED. */
var KioskReloadEvent = /** @class */ (function (_super) {
    __extends(KioskReloadEvent, _super);
    /** @param generation the new connection number */
    function KioskReloadEvent(generation) {
        var _this = _super.call(this, KioskReloadEvent.eventName) || this;
        _this.generation = generation;
        return _this;
    }
    /** The event type, `'reload'`. */
    KioskReloadEvent.eventName = 'reload';
    return KioskReloadEvent;
}(Event));
exports.KioskReloadEvent = KioskReloadEvent;
