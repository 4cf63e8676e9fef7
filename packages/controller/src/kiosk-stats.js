"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createStats = createStats;
/** Fresh zeroed counters. */
function createStats() {
    return { accepted: 0, rejectedOrigin: 0, rejectedSource: 0, rejectedShape: 0, rejectedRate: 0, unmatched: 0 };
}
