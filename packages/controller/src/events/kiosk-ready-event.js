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
exports.KioskReadyEvent = void 0;
/** Fired each time a connection to the kiosk becomes ready: the first time and after every reload. */
var KioskReadyEvent = /** @class */ (function (_super) {
    __extends(KioskReadyEvent, _super);
    /**
     * @param generation connection number; bumped by every iframe load
     * @param reconnected true when this follows a reload (the desired files are being re-opened)
     */
    function KioskReadyEvent(generation, reconnected) {
        var _this = _super.call(this, KioskReadyEvent.eventName) || this;
        _this.generation = generation;
        _this.reconnected = reconnected;
        return _this;
    }
    /** The event type, `'ready'`. */
    KioskReadyEvent.eventName = 'ready';
    return KioskReadyEvent;
}(Event));
exports.KioskReadyEvent = KioskReadyEvent;
