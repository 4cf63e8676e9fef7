import { joinBasePath } from './app-base-path.js';
import { splitIframeCommHosts } from '../split-iframe-comm-hosts.js';

/** The parts of CoCalc's `/customize` (plus the emulator's own `emulator` key) the kiosk uses. */
export interface SiteCustomize {
  /** `configuration.site_name`, shown in the kiosk banner. */
  readonly siteName: string;
  /** `configuration.iframe_comm_hosts`, re-split with CoCalc's regex. */
  readonly iframeCommHosts: readonly string[];
  /** `emulator.dev_http_origins` — NOT CoCalc; exact `http://` origins admitted in development. */
  readonly devHttpOrigins: readonly string[];
  /** `emulator.generation`: `classic` reads `?auth_token=` (`url` era), `modern` does not (`impersonate` era). */
  readonly generation: 'classic' | 'modern';
}

/**
 * Loads `{base}/customize`, as CoCalc's customize store does before the iframe bridge may check
 * an origin (`await customize_store.until_configured()`). Throws when the server does not answer
 * with JSON; a missing field falls back to CoCalc's default (empty host list ⇒ everything blocked).
 */
export async function fetchCustomize(basePath: string): Promise<SiteCustomize> {
  const response = await fetch(joinBasePath(basePath, '/customize'), { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`customize: HTTP ${response.status}`);
  const body = (await response.json()) as unknown;
  const configuration = field(body, 'configuration');
  const emulator = field(body, 'emulator');
  const hosts = field(configuration, 'iframe_comm_hosts');
  const hostText = Array.isArray(hosts) ? hosts.filter((h) => typeof h === 'string').join(' ') : typeof hosts === 'string' ? hosts : '';
  const dev = field(emulator, 'dev_http_origins');
  const siteName = field(configuration, 'site_name');
  return {
    siteName: typeof siteName === 'string' && siteName !== '' ? siteName : 'CoCalc',
    iframeCommHosts: splitIframeCommHosts(hostText),
    devHttpOrigins: Array.isArray(dev) ? dev.filter((o): o is string => typeof o === 'string' && o.startsWith('http://')) : [],
    generation: field(emulator, 'generation') === 'modern' ? 'modern' : 'classic',
  };
}

function field(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}
