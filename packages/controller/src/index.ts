// The public API of @cocalc-embed/controller: only what its README documents. Helpers the
// controller is built from (probe schedule, rate limiter, reply matcher, redaction, Deferred) are
// internal: tests import them from their own modules.
export { KioskController } from './kiosk-controller.js';
export type { CallOptions, DesiredFile, OpenOptions } from './kiosk-controller.js';
export type { KioskControllerOptions } from './kiosk-controller-options.js';
export type { KioskControllerState } from './kiosk-controller-state.js';
export type { KioskControllerEventMap } from './kiosk-controller-event-map.js';
export type { KioskStatus } from './kiosk-status.js';
export type { KioskStats } from './kiosk-stats.js';
export type { KioskDebugEntry } from './debug-log.js';
export type { ProbeOptions } from './probe-schedule.js';
export { KioskReadyEvent } from './events/kiosk-ready-event.js';
export { KioskReloadEvent } from './events/kiosk-reload-event.js';
export { KioskFileOpenEvent } from './events/kiosk-file-open-event.js';
export { KioskFileOpenedEvent } from './events/kiosk-file-opened-event.js';
export { KioskProjectLogEvent } from './events/kiosk-project-log-event.js';
export { KioskErrorEvent } from './events/kiosk-error-event.js';
export { KioskStateChangeEvent } from './events/kiosk-state-change-event.js';
