"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RequestQueue = void 0;
/**
 * A bounded FIFO of calls waiting to be sent. Only calls a user made count against the bound;
 * the controller's own follow-ups (re-opening files after a reload or a `close`) go to the front
 * and are always accepted, because refusing them would leave the kiosk in the wrong state.
 */
var RequestQueue = /** @class */ (function () {
    /** @param capacity how many user calls may wait at once */
    function RequestQueue(capacity) {
        this.capacity = capacity;
        this.items = [];
        this.counted = new Set();
    }
    Object.defineProperty(RequestQueue.prototype, "size", {
        /** Number of waiting items, counted or not. */
        get: function () {
            return this.items.length;
        },
        enumerable: false,
        configurable: true
    });
    Object.defineProperty(RequestQueue.prototype, "countedSize", {
        /** Number of waiting user calls (the ones the capacity applies to). */
        get: function () {
            return this.counted.size;
        },
        enumerable: false,
        configurable: true
    });
    /** Appends a user call; `false` (nothing added) when `capacity` user calls already wait. */
    RequestQueue.prototype.push = function (item) {
        if (this.counted.size >= this.capacity)
            return false;
        this.items.push(item);
        this.counted.add(item);
        return true;
    };
    /** Puts internal follow-up items at the front, in the given order, regardless of capacity. */
    RequestQueue.prototype.pushFront = function (items) {
        var _a;
        (_a = this.items).unshift.apply(_a, items);
    };
    /** Removes and returns the oldest item. */
    RequestQueue.prototype.shift = function () {
        var item = this.items.shift();
        if (item !== undefined)
            this.counted.delete(item);
        return item;
    };
    /** Removes `item` wherever it is (an aborted call); `true` if it was waiting. */
    RequestQueue.prototype.remove = function (item) {
        var index = this.items.indexOf(item);
        if (index === -1)
            return false;
        this.items.splice(index, 1);
        this.counted.delete(item);
        return true;
    };
    /** Empties the queue and returns what was waiting, oldest first. */
    RequestQueue.prototype.drain = function () {
        var items = this.items;
        this.items = [];
        this.counted.clear();
        return items;
    };
    return RequestQueue;
}());
exports.RequestQueue = RequestQueue;
