/**
 * The emulator's test controls (`/__emulator/controls`), which the failures page flips. They exist
 * only on the emulator; against a real CoCalc the page says so and disables the kiosk switches.
 */
export const emulatorUrl = import.meta.env.VITE_EMULATOR_URL ?? 'http://localhost:5180';

/** Fields the failures page uses; the emulator has more (see packages/emulator/README.md). */
export interface EmulatorControls {
  neverReady?: boolean;
  expireTokens?: boolean;
  expireSessions?: boolean;
  latencyMs?: number;
}

/** Merges `controls` into the emulator's current controls. */
export async function setEmulatorControls(controls: EmulatorControls): Promise<void> {
  if (!emulatorUrl) throw new Error('The demo is not running on the emulator: there are no test controls.');
  const res = await fetch(`${emulatorUrl}/__emulator/controls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(controls),
  });
  if (!res.ok) throw new Error(`The emulator refused the controls: HTTP ${res.status}`);
}
