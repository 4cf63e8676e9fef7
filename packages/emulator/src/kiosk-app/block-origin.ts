/** The part of a `MessageEvent` that CoCalc's origin check reads. */
export interface OriginCarrier {
  readonly origin: string;
}

/**
 * CoCalc's `block_origin(mesg, hosts)` from `src/packages/frontend/iframe-communication.ts`,
 * rule for rule (docs/cocalc-protocol.md#kiosk-origins); returns `true` when the message must be dropped.
 *
 * 1. `http://` origins are always blocked;
 * 2. a token starting with `.` admits any origin ending in the token (subdomains) and the apex
 *    (`https://` + token without the dot); any other token admits origins ending in
 *    `https://` + token;
 * 3. nothing matched ⇒ blocked.
 *
 * It is a plain string-suffix test on `event.origin` — no URL parsing — so `:8443` ports, the
 * string `"null"` and look-alike domains fall out as blocked exactly as they do in CoCalc.
 *
 * `devHttpOrigins` is NOT CoCalc: a development-only relaxation (emulator option
 * `devHttpOrigins`, sent as `/customize` → `emulator.dev_http_origins`) that admits these exact
 * `http://` origins, because a local dev page cannot be https on a default port. It defaults to
 * empty, which is CoCalc's behaviour; it is an exact string match, never a suffix test.
 */
export function blockOrigin(
  mesg: OriginCarrier,
  hosts: readonly string[],
  devHttpOrigins: readonly string[] = [],
): boolean {
  const origin = mesg.origin;
  if (origin.startsWith('http://')) {
    return !devHttpOrigins.includes(origin);
  }
  for (const allowed of hosts) {
    if (allowed.slice(0, 1) === '.') {
      if (origin.endsWith(allowed)) return false;
      if (origin.endsWith(`https://${allowed.slice(1)}`)) return false;
    } else if (origin.endsWith(`https://${allowed}`)) {
      return false;
    }
  }
  return true;
}
