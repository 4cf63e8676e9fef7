// Entry of the single-file bundle: the element (registered) and the data-cocalc-* host controls.
export * from '../src/index.js';
export { startHostControls, stopHostControls } from '../src/controls/index.js';
