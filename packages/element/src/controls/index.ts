/**
 * Side-effect entry `@cocalc-embed/element/controls`: importing it makes `data-cocalc-*` host
 * controls work on the page. Safe to import during server rendering: without a `document` it does
 * nothing.
 */
import { startHostControls } from './host-controls.js';

export { startHostControls } from './host-controls.js';
export { CocalcControlResultEvent, CONTROL_ACTIONS } from '../events/cocalc-control-result-event.js';
export type { ControlAction } from '../events/cocalc-control-result-event.js';

let stop: (() => void) | undefined;
if (typeof document !== 'undefined' && typeof MutationObserver === 'function') stop = startHostControls(document);

/** Stops the page-wide controls started by importing this module (tests, micro-frontends unmounting). */
export function stopHostControls(): void {
  stop?.();
  stop = undefined;
}
