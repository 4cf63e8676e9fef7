export { startEmulator } from './start-emulator.js';
export type { EmulatorGeneration, EmulatorOptions, RunningEmulator, SameSiteSetting } from './emulator-options.js';
export type { EmulatorAdmin } from './emulator-admin.js';
export { EmulatorControls } from './emulator-controls.js';
export type { EmulatorControlValues, UpstreamMode } from './emulator-controls.js';
