/**
 * CoCalc's `split_iframe_comm_hosts` (HEAD, server side; cocalc-reference.md §1.2): every run of
 * lowercase letters, digits, `.` and `-` is one allowed host. Anything else separates tokens, so
 * uppercase letters and `:` split a token in two — which is why a port can never be expressed.
 * The server already sends the parsed list in `/customize`; the kiosk re-applies the same split
 * so a hand-written or stale value cannot smuggle in a token CoCalc would not have produced.
 */
export function splitIframeCommHosts(hosts: string | null | undefined): string[] {
  return (hosts ?? '').match(/[a-z0-9.-]+/g) ?? [];
}
