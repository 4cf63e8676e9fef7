/**
 * CoCalc's `split_iframe_comm_hosts` (current CoCalc, docs/cocalc-protocol.md#kiosk-origins): every run of lowercase
 * letters, digits, `.` and `-`. Anything else, including uppercase letters and `:`, separates
 * tokens, so ports cannot be expressed.
 */
export function splitIframeCommHosts(hosts: string | null | undefined): string[] {
  return (hosts ?? '').match(/[a-z0-9.-]+/g) || [];
}
