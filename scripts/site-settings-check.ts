/**
 * Compares what a CoCalc publishes at `GET /customize` with what the demo page needs, so
 * `pnpm start` can say which of the operator's settings are already right and which are not.
 */
import type { StartPlan } from './start-plan.js';

/** One checked setting: `ok` undefined when CoCalc did not say. */
export interface SettingCheck {
  readonly name: string;
  readonly ok: boolean | undefined;
  readonly detail: string;
}

/**
 * Checks CoCalc's `/customize` answer (`customize`, the parsed JSON; site settings under
 * `configuration` or at the top level) against `plan`.
 */
export function checkSiteSettings(plan: StartPlan, customize: unknown): SettingCheck[] {
  const root = isObject(customize) ? customize : {};
  const config = isObject(root.configuration) ? root.configuration : root;
  const origin = `https://${plan.pageHost}`;
  const checks: SettingCheck[] = [];

  const hosts = config.iframe_comm_hosts;
  if (hosts === undefined) {
    checks.push({ name: 'iframe_comm_hosts', ok: undefined, detail: 'CoCalc did not publish it' });
  } else {
    const list = splitHosts(hosts);
    const ok = list.some((entry) => admits(entry, origin));
    checks.push({
      name: 'iframe_comm_hosts',
      ok,
      detail: `is ${list.length ? list.join(' ') : '(empty)'}: ${ok ? 'admits' : 'does not admit'} ${origin}`,
    });
  }

  const dns = config.dns;
  const wanted = plan.operatorSettings.find((s) => s.name === 'dns')?.value;
  if (typeof dns !== 'string') checks.push({ name: 'dns', ok: undefined, detail: 'CoCalc did not publish it' });
  else checks.push({ name: 'dns', ok: dns === wanted, detail: `is ${dns === '' ? '(empty)' : dns}${dns === wanted ? '' : `, should be ${wanted}`}` });

  const sameSite = config.samesite_remember_me;
  if (typeof sameSite === 'string') {
    checks.push({ name: 'samesite_remember_me', ok: sameSite !== 'none', detail: `is ${sameSite}` });
  }
  return checks;
}

/**
 * CoCalc's own matching of a message origin against its allow-list: never `http://`; an entry with
 * a leading dot admits that domain and its subdomains, any other entry exactly `https://<entry>`
 * at the end of the origin (so an origin with a port never matches).
 */
function admits(entry: string, origin: string): boolean {
  if (origin.startsWith('http://')) return false;
  if (entry.startsWith('.')) return origin.endsWith(entry) || origin.endsWith(`https://${entry.slice(1)}`);
  return origin.endsWith(`https://${entry}`);
}

/** CoCalc splits the setting into runs of lowercase letters, digits, dots and dashes. */
function splitHosts(value: unknown): string[] {
  const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
  return text.match(/[a-z0-9.-]+/g) ?? [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
