/** The emulator's test controls, flipped by specs over its HTTP endpoint (off by default). */
const EMULATOR = 'http://localhost:5180';

/** Merges `controls` into the running emulator's controls. */
export async function setEmulatorControls(controls: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${EMULATOR}/__emulator/controls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(controls),
  });
  if (!res.ok) throw new Error(`emulator controls: HTTP ${res.status}`);
}

/** Turns every control off again. */
export async function resetEmulatorControls(): Promise<void> {
  const res = await fetch(`${EMULATOR}/__emulator/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`emulator reset: HTTP ${res.status}`);
}
