import { isValidUuid } from '@cocalc-embed/protocol';
import type { EmulatorContext } from './emulator-context.js';
import { StoreError } from './emulator-store.js';
import type { ExecInput, ExecOutput } from './exec-command.js';
import { execCommand, SpawnError } from './exec-command.js';
import { coerceText } from './coerce-text.js';
import { OperationError } from './operation-error.js';

/**
 * The project operations behind every API generation (v1, v2, conat), so their rules agree:
 * owners, collaborators and site admins may act on a project; everyone else gets CoCalc's
 * "User … does not have … access to project …". Failures throw {@link OperationError}.
 */

/** Throws unless `requester` may write to the project (collaborator or admin). */
export function assertWriteAccess(ctx: EmulatorContext, requester: string, projectId: unknown): string {
  if (!isValidUuid(projectId) || !ctx.store.hasAccess(requester, projectId)) {
    throw new OperationError(`User ${requester} does not have write access to project ${String(projectId)}`);
  }
  return projectId.toLowerCase();
}

/** Throws unless `requester` may read the project. */
export function assertReadAccess(ctx: EmulatorContext, requester: string, projectId: unknown): string {
  if (!isValidUuid(projectId) || !ctx.store.hasAccess(requester, projectId)) {
    throw new OperationError(`User ${requester} does not have read access to project ${String(projectId)}`);
  }
  return projectId.toLowerCase();
}

/** Creates a project owned by `requester`; stopped unless `start`. Returns its id. */
export function createProject(
  ctx: EmulatorContext,
  requester: string,
  opts: { title?: unknown; description?: unknown; start?: unknown },
): string {
  const project = ctx.store.createProject(requester, coerceText(opts.title), coerceText(opts.description));
  if (truthy(opts.start)) ctx.store.setProjectState(project.project_id, 'running');
  return project.project_id;
}

/** Adds each account to each project (parallel arrays, or one side a single value). */
export function addCollaborators(ctx: EmulatorContext, requester: string, projectIds: unknown, accountIds: unknown): void {
  const projects: unknown[] = Array.isArray(projectIds) ? projectIds : [projectIds];
  const accounts: unknown[] = Array.isArray(accountIds) ? accountIds : [accountIds];
  if (projects.length > 1 && accounts.length > 1 && projects.length !== accounts.length) {
    throw new OperationError('project_id and account_id arrays must have the same length');
  }
  const n = Math.max(projects.length, accounts.length);
  for (let i = 0; i < n; i++) {
    const projectId = assertWriteAccess(ctx, requester, projects.length === 1 ? projects[0] : projects[i]);
    const accountId = accounts.length === 1 ? accounts[0] : accounts[i];
    if (!isValidUuid(accountId) || !ctx.store.account(accountId)) {
      throw new OperationError(`unknown account_id '${String(accountId)}'`);
    }
    ctx.store.addCollaborator(projectId, accountId);
  }
}

/** Writes a text file (creating folders, overwriting). */
export function writeTextFile(ctx: EmulatorContext, requester: string, projectId: unknown, path: unknown, content: unknown): void {
  const pid = assertWriteAccess(ctx, requester, projectId);
  if (typeof path !== 'string' || path === '') throw new OperationError('path must be a non-empty string');
  if (typeof content !== 'string') throw new OperationError('content must be a string');
  wrapStore(() => ctx.store.writeFile(pid, path, content));
}

/** Reads a text file. */
export function readTextFile(ctx: EmulatorContext, requester: string, projectId: unknown, path: unknown): string {
  const pid = assertReadAccess(ctx, requester, projectId);
  if (typeof path !== 'string' || path === '') throw new OperationError('path must be a non-empty string');
  return wrapStore(() => ctx.store.readFile(pid, path));
}

/** Copies a file or folder between projects: read access on the source, write on the target. */
export function copyPath(
  ctx: EmulatorContext,
  requester: string,
  opts: { srcProjectId: unknown; srcPath: unknown; targetProjectId: unknown; targetPath?: unknown },
): void {
  const src = assertReadAccess(ctx, requester, opts.srcProjectId);
  const target = assertWriteAccess(ctx, requester, opts.targetProjectId);
  if (typeof opts.srcPath !== 'string') throw new OperationError('src_path must be a string');
  const targetPath = opts.targetPath === undefined || opts.targetPath === null || opts.targetPath === '' ? opts.srcPath : opts.targetPath;
  if (typeof targetPath !== 'string') throw new OperationError('target_path must be a string');
  wrapStore(() => ctx.store.copyPath(src, opts.srcPath as string, target, targetPath));
}

/** Starts a project. */
export function startProject(ctx: EmulatorContext, requester: string, projectId: unknown): void {
  ctx.store.setProjectState(assertWriteAccess(ctx, requester, projectId), 'running');
}

/** Stops a project. */
export function stopProject(ctx: EmulatorContext, requester: string, projectId: unknown): void {
  ctx.store.setProjectState(assertWriteAccess(ctx, requester, projectId), 'opened');
}

/** Options of {@link execInProject}, as the API receives them (unvalidated). */
export interface ExecRequest {
  command?: unknown;
  args?: unknown;
  path?: unknown;
  bash?: unknown;
  max_output?: unknown;
  err_on_exit?: unknown;
}

/**
 * Runs a command in the project, starting it first if stopped (as CoCalc's `project_exec` does).
 * With `err_on_exit` (default true) a non-zero exit throws CoCalc's execute-code message.
 */
export function execInProject(ctx: EmulatorContext, requester: string, projectId: unknown, opts: ExecRequest): ExecOutput {
  const pid = assertWriteAccess(ctx, requester, projectId);
  if (typeof opts.command !== 'string' || opts.command === '') throw new OperationError('command must be a non-empty string');
  const args = opts.args === undefined || opts.args === null ? [] : Array.isArray(opts.args) ? opts.args : [opts.args];
  ctx.store.setProjectState(pid, 'running');
  const input: ExecInput = {
    command: opts.command,
    args: args.map((a) => String(a)),
    path: typeof opts.path === 'string' ? opts.path : '',
    bash: truthy(opts.bash),
    maxOutput: typeof opts.max_output === 'number' ? opts.max_output : undefined,
  };
  let out: ExecOutput;
  try {
    out = execCommand(ctx.store, pid, input);
  } catch (err) {
    if (err instanceof SpawnError || err instanceof StoreError) throw new OperationError(`Error: ${err.message}`);
    throw err;
  }
  const errOnExit = opts.err_on_exit === undefined || opts.err_on_exit === null ? true : truthy(opts.err_on_exit);
  if (errOnExit && out.exit_code !== 0) {
    throw new OperationError(
      `command '${opts.command}' (args=${input.args!.join(' ')}) exited with nonzero code ${out.exit_code} -- stderr='${out.stderr}'`,
    );
  }
  return out;
}

/** Form-encoded booleans arrive as strings; CoCalc then treats any non-empty string as true. */
function truthy(value: unknown): boolean {
  return !!value;
}

function wrapStore<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof StoreError) throw new OperationError(err.message);
    throw err;
  }
}

/** Title of the project CoCalc creates for every new account (`server/accounts/first-project.ts`). */
export const FIRST_PROJECT_TITLE = 'My First Project';

/**
 * CoCalc's account-creation actions: a new account that was not invited into any project gets a
 * "My First Project", owned by it, and CoCalc starts it at once (a real project server). Returns
 * its id.
 */
export function createFirstProject(ctx: EmulatorContext, accountId: string): string {
  const project = ctx.store.createProject(accountId, FIRST_PROJECT_TITLE, '');
  ctx.store.setProjectState(project.project_id, 'running');
  return project.project_id;
}

/**
 * The v2 `projects/start` and `projects/stop` rule: the caller must be a collaborator (owner or
 * collaborator) of the project; being a site admin is not enough. Messages as CoCalc's.
 */
export function setProjectRunningAsCollaborator(ctx: EmulatorContext, requester: string | undefined, projectId: unknown, running: boolean): void {
  if (!isValidUuid(projectId)) throw new OperationError('project_id must be a valid uuid');
  if (!requester) throw new OperationError('must be signed in');
  if (!ctx.store.isCollaborator(requester, projectId)) {
    throw new OperationError(`must be a collaborator to ${running ? 'start' : 'stop'} project`);
  }
  ctx.store.setProjectState(projectId.toLowerCase(), running ? 'running' : 'opened');
}

/**
 * v2 `projects/delete` (`server/projects/delete.ts`): site admins or collaborators may delete; the
 * project is stopped and flagged deleted.
 */
export function deleteProject(ctx: EmulatorContext, requester: string, projectId: unknown): void {
  if (!isValidUuid(projectId)) throw new OperationError('project_id must be a valid UUID');
  if (!ctx.store.isAdmin(requester) && !ctx.store.isCollaborator(requester, projectId)) {
    throw new OperationError('must be an owner to delete a project');
  }
  if (!ctx.store.project(projectId)) throw new OperationError(`no project with id '${projectId}'`);
  ctx.store.deleteProject(projectId);
}
