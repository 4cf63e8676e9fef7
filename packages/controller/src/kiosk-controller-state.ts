/**
 * Lifecycle of a controller: `connecting` (probing for the kiosk's listener), `ready` (a status
 * probe was answered), `failed` (ready timeout; `reconnect()` or an iframe load probes again),
 * `destroyed` (final).
 */
export type KioskControllerState = 'connecting' | 'ready' | 'failed' | 'destroyed';
