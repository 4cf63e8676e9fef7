import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AuthTokenBans } from './auth-token-bans.js';
import { createEmulatorAdmin } from './emulator-admin.js';
import type { EmulatorContext } from './emulator-context.js';
import { EmulatorControls } from './emulator-controls.js';
import type { EmulatorOptions, RunningEmulator } from './emulator-options.js';
import { createRequestHandler } from './emulator-router.js';
import { EmulatorStore } from './emulator-store.js';
import { KioskBundle } from './kiosk-bundle.js';
import { resolveOptions } from './resolved-options.js';

/**
 * Starts a local CoCalc stand-in (see the package README): kiosk pages, both sign-in eras, the HTTP
 * API of the chosen generation, and the test controls. Resolves once it is listening.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const store = new EmulatorStore(resolved.dataDir);
  const ctx: EmulatorContext = {
    options: resolved,
    store,
    controls: new EmulatorControls(),
    adminAccountId: store.adminAccountId(),
    bans: new AuthTokenBans(),
    kioskBundle: new KioskBundle(),
    heldResponses: new Set(),
    loadHolds: new Map(),
    siteUrl: '',
  };
  const handler = createRequestHandler(ctx);
  const server: Server = resolved.https ? createHttpsServer(resolved.https, handler) : createHttpServer(handler);
  const bindHost = resolved.host === 'localhost' ? '127.0.0.1' : resolved.host;
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, bindHost, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const { port } = server.address() as AddressInfo;
  const basePath = resolved.basePath === '/' ? '' : resolved.basePath;
  const urlHost = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const url = `${resolved.https ? 'https' : 'http'}://${urlHost}:${port}${basePath}`;
  ctx.siteUrl = resolved.publicUrl ? sitePublicUrl(resolved.publicUrl, basePath) : url;

  let closing: Promise<void> | undefined;
  return {
    url,
    apiKey: resolved.apiKey,
    controls: ctx.controls,
    admin: createEmulatorAdmin(ctx),
    close() {
      closing ??= new Promise<void>((resolvePromise) => {
        for (const res of ctx.heldResponses) res.destroy();
        ctx.heldResponses.clear();
        for (const res of ctx.loadHolds.values()) res.destroy();
        ctx.loadHolds.clear();
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** `publicUrl` without trailing slash; the base path is appended when the URL has no path of its own. */
function sitePublicUrl(publicUrl: string, basePath: string): string {
  const parsed = new URL(publicUrl);
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path === '' ? basePath : path}`;
}
