/// <reference types="vite/client" />
interface ImportMetaEnv {
  /** The emulator's base URL when the demo runs on it (empty against a real CoCalc). */
  readonly VITE_EMULATOR_URL?: string;
}
