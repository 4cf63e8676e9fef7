import { rmSync } from 'node:fs';

/** Removes the scratch data folder this run's emulator and backend wrote (playwright.config.ts). */
export default function globalTeardown(): void {
  const dir = process.env.E2E_DATA_DIR;
  if (dir?.startsWith('/tmp/cocalc-embed-e2e-')) rmSync(dir, { recursive: true, force: true });
}
