import type { ServerResponse } from 'node:http';
import type { AuthTokenBans } from './auth-token-bans.js';
import type { EmulatorControls } from './emulator-controls.js';
import type { EmulatorStore } from './emulator-store.js';
import type { KioskBundle } from './kiosk-bundle.js';
import type { ResolvedOptions } from './resolved-options.js';

/** Everything a route needs: options, state, controls. One per running emulator. */
export interface EmulatorContext {
  readonly options: ResolvedOptions;
  readonly store: EmulatorStore;
  readonly controls: EmulatorControls;
  /** The site admin that owns the configured API key. */
  readonly adminAccountId: string;
  readonly bans: AuthTokenBans;
  readonly kioskBundle: KioskBundle;
  /** Responses held open by `upstream: "slow"`; ended when the server closes. */
  readonly heldResponses: Set<ServerResponse>;
  /** Kiosk page-load holds (`/static/app-assets.gif?hold=<id>`) waiting for their release. */
  readonly loadHolds: Map<string, ServerResponse>;
  /** CoCalc's site URL (`dns` + base path), no trailing slash; known once listening. */
  siteUrl: string;
}
