export { startEmulator } from './start-emulator.js';
export type { EmulatorGeneration, EmulatorOptions, RunningEmulator, SameSiteSetting } from './emulator-options.js';
export type { EmulatorAdmin } from './emulator-admin.js';
export { DEFAULT_CONTROLS, EmulatorControls, UPSTREAM_MODES } from './emulator-controls.js';
export type { EmulatorControlValues, UpstreamMode } from './emulator-controls.js';
export { splitIframeCommHosts } from './split-iframe-comm-hosts.js';
export { EXEC_COMMANDS } from './exec-command.js';
