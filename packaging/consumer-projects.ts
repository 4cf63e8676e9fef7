// The consumer test's plumbing: copy a consumer project out of the workspace, point it at the
// packed tarballs, install it with npm (timed), and run processes that are always cleaned up.
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publicPackages, REPO_DIR, TARBALL_DIR } from './public-packages.js';

const execFileAsync = promisify(execFile);

/** `file:` specs of the four tarballs, by folder name (`server` → `file:/…/cocalc-embed-server-0.1.0.tgz`). */
export function tarballSpecs(): Record<string, { name: string; spec: string }> {
  return Object.fromEntries(publicPackages().map((p) => [p.dir, { name: p.manifest.name, spec: `file:${join(TARBALL_DIR, p.tarball)}` }]));
}

/**
 * Copies packaging/consumers/<name> to `into`, replacing `tarball:<dir>` with the tarball's file:
 * spec. Every @cocalc-embed package is also pinned to its tarball through `overrides`: the packed
 * manifests depend on each other by version, and npm must never look those names up in the
 * registry.
 */
export function prepareProject(name: string, into: string): string {
  const dir = join(into, name);
  cpSync(join(REPO_DIR, 'packaging', 'consumers', name), dir, { recursive: true });
  const specs = tarballSpecs();
  const file = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = manifest[field] as Record<string, string> | undefined;
    for (const [dep, spec] of Object.entries(deps ?? {})) {
      if (spec.startsWith('tarball:')) deps![dep] = specs[spec.slice('tarball:'.length)]!.spec;
    }
  }
  manifest.overrides = Object.fromEntries(Object.values(specs).map((s) => [s.name, s.spec]));
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

/**
 * `npm install` in `dir` with npm's shared cache (one for every project and run;
 * CONSUMER_NPM_CACHE names another, e.g. an empty one to time a first install); resolves to the
 * wall time in ms.
 */
export async function npmInstall(dir: string): Promise<number> {
  const started = performance.now();
  const cache = process.env.CONSUMER_NPM_CACHE ? ['--cache', process.env.CONSUMER_NPM_CACHE] : [];
  await execFileAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...cache], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return Math.round(performance.now() - started);
}

/** Runs `command` in `dir` to completion; rejects with its output on a non-zero exit. */
export async function run(dir: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd: dir, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${dir}:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

/** A child process in its own process group, its output kept, with a way to wait for a line. */
export interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code once the process ends by itself. */
  exit(): Promise<number | null>;
  /** SIGTERM to the whole group; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `command`; see {@link Running}. */
export function start(dir: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(command, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exit: () => exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) done(() => resolve(match));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms from ${command} ${args.join(' ')}:\n${text}`))), timeoutMs);
        const onExit = () => done(() => reject(new Error(`${command} ${args.join(' ')} exited before ${pattern}:\n${text}`)));
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
          settle();
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 10_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}
