import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '@cocalc-embed/emulator';

/** The two API generations every server test runs against. */
export const GENERATIONS = ['classic', 'modern'] as const;

/** Starts the emulator on an ephemeral port with a fresh data folder. */
export async function startTestEmulator(generation: 'classic' | 'modern', extra: Record<string, unknown> = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'cocalc-embed-emu-')), generation, ...extra });
}
