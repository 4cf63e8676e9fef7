import type { EmulatorStore } from './emulator-store.js';

/** The commands the emulated project can run; anything else fails like a missing program. */
export const EXEC_COMMANDS = ['true', 'false', 'echo', 'pwd', 'ls', 'cat'] as const;

/** What `project_exec` / `exec` / `system.exec` take (CoCalc's `ExecuteCodeOptions`, reduced). */
export interface ExecInput {
  readonly command: string;
  readonly args?: readonly string[];
  /** Working folder relative to the project home. */
  readonly path?: string;
  /** Run `command` through bash: it is then split on whitespace (no other shell syntax). */
  readonly bash?: boolean;
  readonly maxOutput?: number | undefined;
}

/** The output CoCalc returns. */
export interface ExecOutput {
  stdout: string;
  stderr: string;
  exit_code: number;
}

/** A missing program without bash: CoCalc's spawn fails before any exit code exists. */
export class SpawnError extends Error {}

const HOME = '/home/user';

/**
 * Runs one command against the project's files, with no real process: `true`, `false`, `echo`
 * (with `-n`), `pwd`, `ls [paths]`, `cat paths`. Error texts and exit codes are GNU coreutils'.
 * Throws {@link SpawnError} for an unknown program without `bash` (`spawn <cmd> ENOENT`); with `bash`
 * an unknown program exits 127 with bash's message.
 */
export function execCommand(store: EmulatorStore, projectId: string, input: ExecInput): ExecOutput {
  let argv: string[];
  if (input.bash) {
    argv = [...input.command.trim().split(/\s+/).filter(Boolean), ...(input.args ?? [])];
  } else {
    argv = [input.command, ...(input.args ?? [])];
  }
  const [program = '', ...args] = argv;
  const cwd = (input.path ?? '').replace(/^\/+|\/+$/g, '');
  const rel = (p: string) => (p.startsWith('/') ? p.slice(HOME.length + 1) : cwd ? `${cwd}/${p}` : p);
  const out: ExecOutput = { stdout: '', stderr: '', exit_code: 0 };
  switch (program) {
    case 'true':
      break;
    case 'false':
      out.exit_code = 1;
      break;
    case 'echo': {
      const noNewline = args[0] === '-n';
      out.stdout = (noNewline ? args.slice(1) : args).join(' ') + (noNewline ? '' : '\n');
      break;
    }
    case 'pwd':
      out.stdout = `${cwd ? `${HOME}/${cwd}` : HOME}\n`;
      break;
    case 'ls': {
      const targets = args.filter((a) => !a.startsWith('-'));
      for (const target of targets.length ? targets : ['.']) {
        const kind = safeKind(store, projectId, rel(target));
        if (kind === 'missing') {
          out.stderr += `ls: cannot access '${target}': No such file or directory\n`;
          out.exit_code = 2;
        } else if (kind === 'file') {
          out.stdout += `${target}\n`;
        } else {
          const names = store.listDir(projectId, rel(target)).map((n) => n.replace(/\/$/, ''));
          out.stdout += names.map((n) => `${n}\n`).join('');
        }
      }
      break;
    }
    case 'cat':
      for (const target of args) {
        const kind = safeKind(store, projectId, rel(target));
        if (kind === 'file') out.stdout += store.readFile(projectId, rel(target));
        else {
          out.stderr += `cat: ${target}: ${kind === 'dir' ? 'Is a directory' : 'No such file or directory'}\n`;
          out.exit_code = 1;
        }
      }
      break;
    default:
      if (!input.bash) throw new SpawnError(`spawn ${program} ENOENT`);
      out.stderr = `bash: line 1: ${program}: command not found\n`;
      out.exit_code = 127;
  }
  if (input.maxOutput !== undefined && out.stdout.length > input.maxOutput) {
    out.stdout = `${out.stdout.slice(0, input.maxOutput)} (truncated)`;
  }
  return out;
}

function safeKind(store: EmulatorStore, projectId: string, path: string): 'file' | 'dir' | 'missing' {
  try {
    return store.pathKind(projectId, path || '.');
  } catch {
    return 'missing';
  }
}
