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
exports.KioskProjectLogEvent = void 0;
/**
 * Fired for each validated `cocalc-project-log` message from the kiosk (after the same origin
 * and source checks as replies). CoCalc posts an entry when a file is opened and later an update
 * with the same `id` whose `event.time` is the load time in ms.
 */
var KioskProjectLogEvent = /** @class */ (function (_super) {
    __extends(KioskProjectLogEvent, _super);
    /**
     * @param entry the validated entry (a frozen null-prototype object)
     * @param loadTimeMs the load time, when this entry is the update that carries it
     */
    function KioskProjectLogEvent(entry, loadTimeMs) {
        var _this = _super.call(this, KioskProjectLogEvent.eventName) || this;
        _this.entry = entry;
        _this.loadTimeMs = loadTimeMs;
        return _this;
    }
    /** The event type, `'project-log'`. */
    KioskProjectLogEvent.eventName = 'project-log';
    return KioskProjectLogEvent;
}(Event));
exports.KioskProjectLogEvent = KioskProjectLogEvent;
