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
exports.KioskFileOpenedEvent = void 0;
/**
 * Fired when an `open` finished (`{status:"done"}`). CoCalc's `done` means its frontend's
 * open_file returned, not that the project runs or the notebook rendered.
 */
var KioskFileOpenedEvent = /** @class */ (function (_super) {
    __extends(KioskFileOpenedEvent, _super);
    /**
     * @param projectId the project's UUID (lower case)
     * @param path the file path relative to the project's home
     */
    function KioskFileOpenedEvent(projectId, path) {
        var _this = _super.call(this, KioskFileOpenedEvent.eventName) || this;
        _this.projectId = projectId;
        _this.path = path;
        return _this;
    }
    /** The event type, `'file-opened'`. */
    KioskFileOpenedEvent.eventName = 'file-opened';
    return KioskFileOpenedEvent;
}(Event));
exports.KioskFileOpenedEvent = KioskFileOpenedEvent;
