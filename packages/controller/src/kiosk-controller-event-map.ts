import type { KioskErrorEvent } from './events/kiosk-error-event.js';
import type { KioskFileOpenEvent } from './events/kiosk-file-open-event.js';
import type { KioskFileOpenedEvent } from './events/kiosk-file-opened-event.js';
import type { KioskProjectLogEvent } from './events/kiosk-project-log-event.js';
import type { KioskReadyEvent } from './events/kiosk-ready-event.js';
import type { KioskReloadEvent } from './events/kiosk-reload-event.js';
import type { KioskStateChangeEvent } from './events/kiosk-state-change-event.js';

/** Event type → event class, for typed `addEventListener` on a `KioskController`. */
export interface KioskControllerEventMap {
  ready: KioskReadyEvent;
  reload: KioskReloadEvent;
  'file-open': KioskFileOpenEvent;
  'file-opened': KioskFileOpenedEvent;
  'project-log': KioskProjectLogEvent;
  error: KioskErrorEvent;
  'state-change': KioskStateChangeEvent;
}
