import type { EmulatorAdmin } from './emulator-admin.js';
import type { EmulatorControls } from './emulator-controls.js';

/** Which CoCalc the emulator plays (docs/cocalc-protocol.md#api-generations). */
export type EmulatorGeneration = 'classic' | 'modern';
/** CoCalc's `samesite_remember_me` site setting. */
export type SameSiteSetting = 'strict' | 'lax' | 'none';

/** Options of {@link startEmulator}; each falls back to the env var named, then the default. */
export interface EmulatorOptions {
  /** Default 5180 (env `EMULATOR_PORT`); 0 = ephemeral. */
  port?: number;
  /** Default `'localhost'` (binds 127.0.0.1). */
  host?: string;
  /** Default `<repo>/data/emulator` (env `EMULATOR_DATA_DIR`); files survive restarts. */
  dataDir?: string;
  /** Admin API key; default env `COCALC_API_KEY`, else generated (`sk-` + 24 alphanumerics). */
  apiKey?: string;
  /**
   * Env `EMULATOR_GENERATION`, default `'modern'` (what a CoCalc server is today). classic = API v1 (+ the v2 endpoints that
   * existed by 2024-10-18) + `url`-era sign-in (`?auth_token=` on the kiosk URL); modern = API v2 +
   * `/api/conat/hub` + `/api/conat/project` + `impersonate` era `/auth/impersonate`; no v1.
   */
  generation?: EmulatorGeneration;
  /** CoCalc site setting `iframe_comm_hosts` (env `EMULATOR_IFRAME_COMM_HOSTS`), default `''`. */
  iframeCommHosts?: string;
  /**
   * NOT CoCalc: DEV ONLY, the kiosk bridge also admits these exact http:// origins
   * (env `EMULATOR_DEV_HTTP_ORIGINS`, comma-separated); default `[]`.
   */
  devHttpOrigins?: string[];
  /** Env `EMULATOR_SAMESITE_REMEMBER_ME`, default `'strict'` (CoCalc's default). */
  samesiteRememberMe?: SameSiteSetting;
  /** Env `EMULATOR_TOKEN_TTL_SECONDS`; default 43200 (12 h) classic, 86400 modern. */
  tokenTtlSeconds?: number;
  /** Default `'/'`. */
  basePath?: string;
  /** Serve HTTPS with this key pair. */
  https?: { key: string | Buffer; cert: string | Buffer };
  /** CoCalc's `dns` site setting: the site URL used in redirects; default the listen URL. */
  publicUrl?: string;
  /** Default `'CoCalc'`. */
  siteName?: string;
}

/** A started emulator. */
export interface RunningEmulator {
  /** Base URL including the base path, e.g. `http://localhost:5180`. */
  readonly url: string;
  /** The admin API key (a secret: never log it). */
  readonly apiKey: string;
  /** In-process access to the same test controls as `/__emulator/controls`. */
  readonly controls: EmulatorControls;
  /** In-process seeding helpers for tests (NOT CoCalc API). */
  readonly admin: EmulatorAdmin;
  /** Stops the server, ending slow requests and open connections. */
  close(): Promise<void>;
}
