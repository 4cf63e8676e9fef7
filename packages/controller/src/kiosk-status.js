"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.toKioskStatus = toKioskStatus;
/** Converts a validated status reply (already a fresh null-prototype object) into a {@link KioskStatus}. */
function toKioskStatus(reply) {
    var c = reply.connection;
    return Object.freeze({
        connection: Object.freeze({
            quality: c.quality,
            status: c.status,
            statusTime: c.status_time === undefined ? undefined : new Date(c.status_time.getTime()),
            ping: c.ping,
        }),
        openFiles: reply.open_files,
    });
}
