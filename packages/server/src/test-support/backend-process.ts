import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The upstream calls that create something in CoCalc (account, project, collaborator), in both API generations. */
export const CREATING_CALLS = /auth\/sign-up|create_account|projects\/create|create_project|collaborators\/add|add_collaborator/;

/** The part of the emulator's `state.json` the process tests count. */
export interface EmulatorState {
  accounts: Record<string, { account_id: string; email_address: string | null; last_name: string }>;
  projects: Record<string, { project_id: string; title: string; users: Record<string, string> }>;
}

/** Reads the emulator's persisted state (what CoCalc holds, whatever the backend remembers). */
export function readEmulatorState(emulatorDataDir: string): EmulatorState {
  return JSON.parse(readFileSync(join(emulatorDataDir, 'state.json'), 'utf8')) as EmulatorState;
}

/**
 * Starts `cocalc-embed serve` as its own process (so a test can kill -9 it), with only `PATH` and
 * `env` in its environment; resolves with its URL once it listens. An early exit rejects with the
 * start of its stderr.
 */
export function startBackendProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: PACKAGE,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (chunk) => {
    if (err.length < 2_000) err += chunk; // enough to say why it failed to start; a long run's log is not kept
  });
  return new Promise((resolveUrl, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolveUrl({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`backend exited early (${code}): ${err.slice(0, 500)}`)));
  });
}
