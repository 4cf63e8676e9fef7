import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { sendJson } from './http-io.js';
import { splitIframeCommHosts } from './split-iframe-comm-hosts.js';

/**
 * `GET {base}/customize`: CoCalc's site configuration (`hub/servers/app/customize.ts`), with
 * `iframe_comm_hosts` parsed server-side as CoCalc HEAD does. The `emulator` key is ours, not
 * CoCalc's: the kiosk app reads the generation, the DEV-only http origins and the SameSite setting.
 */
export function handleCustomize(ctx: EmulatorContext, req: EmulatorRequest): void {
  const o = ctx.options;
  sendJson(req.res, 200, {
    configuration: {
      site_name: o.siteName,
      site_description: 'A local CoCalc emulator',
      dns: new URL(ctx.siteUrl).host,
      iframe_comm_hosts: splitIframeCommHosts(o.iframeCommHosts),
      samesite_remember_me: o.samesiteRememberMe,
      kucalc: 'no',
      is_personal: false,
    },
    emulator: {
      generation: o.generation,
      dev_http_origins: [...o.devHttpOrigins],
      samesite_remember_me: o.samesiteRememberMe,
    },
  });
}
