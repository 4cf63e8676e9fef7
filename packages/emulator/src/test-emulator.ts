import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorOptions, RunningEmulator } from './emulator-options.js';
import { startEmulator } from './start-emulator.js';

/** A started emulator on an ephemeral port with a throw-away data folder, plus request helpers. */
export interface TestEmulator extends RunningEmulator {
  readonly dataDir: string;
  /** `fetch` relative to the emulator URL, never following redirects. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POST a JSON body with the admin key as Bearer (or the given Authorization header; `null` = none). */
  post(path: string, body: unknown, authorization?: string | null): Promise<Response>;
  /** Closes the emulator and deletes its data folder. */
  dispose(): Promise<void>;
}

/** Starts an emulator for a test (port 0, temp data dir); pass `dataDir` to reuse one. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cocalc-emulator-test-'));
  const emulator = await startEmulator({ port: 0, ...options, dataDir });
  const request = (path: string, init: RequestInit = {}) => fetch(`${emulator.url}${path}`, { redirect: 'manual', ...init });
  return {
    url: emulator.url,
    apiKey: emulator.apiKey,
    controls: emulator.controls,
    admin: emulator.admin,
    close: () => emulator.close(),
    dataDir,
    request,
    post: (path, body, authorization = `Bearer ${emulator.apiKey}`) =>
      request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
        body: JSON.stringify(body),
      }),
    async dispose() {
      await emulator.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** HTTP Basic header with the key as user name and an empty password, as CoCalc's docs use it. */
export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}
