import { isValidUuid } from '@cocalc-embed/protocol';
import { accountForApiKey, apiKeyFromHeader } from './api-key-auth.js';
import type { EmulatorContext } from './emulator-context.js';
import { StoreError } from './emulator-store.js';
import type { EmulatorRequest } from './http-io.js';
import { sendJson } from './http-io.js';
import { sendNotFoundPage } from './next-not-found.js';
import { OperationError } from './operation-error.js';
import { addCollaborators, copyPath, createProject, execInProject, readTextFile, startProject, stopProject, writeTextFile } from './project-operations.js';
import { BodyParseError, readParams } from './request-params.js';
import { ensureConnectSid } from './sign-in-cookies.js';
import { mintUserAuthToken } from './user-auth-token.js';

type Args = Record<string, unknown>;
type HubFn = (ctx: EmulatorContext, account: string, arg: Args, raw: unknown) => unknown;
type ProjectFn = (ctx: EmulatorContext, account: string, projectId: string, arg: Args) => unknown;

/**
 * `POST {base}/api/conat/hub` and `POST {base}/api/conat/project` (modern generation only; CoCalc
 * ≥ 2025-08-28, docs/cocalc-protocol.md#conat-bridges). API key only — cookies are refused. Body
 * `{name, args:[{…}]}`; the caller's `account_id` is injected into `args[0]`. Answers the raw JSON
 * return value (`null` for void), or HTTP 200 `{error}`. Classic servers answer the Next.js 404 page.
 */
export async function handleConat(ctx: EmulatorContext, req: EmulatorRequest): Promise<void> {
  const which = req.path === '/api/conat/hub' ? 'hub' : req.path === '/api/conat/project' ? 'project' : undefined;
  if (ctx.options.generation !== 'modern' || !which || req.method !== 'POST') {
    req.raw.resume();
    return sendNotFoundPage(req.res);
  }
  let params: Args;
  try {
    params = await readParams(req);
  } catch (err) {
    if (err instanceof BodyParseError) return sendJson(req.res, err.status, { error: err.statusText });
    throw err;
  }
  ensureConnectSid(req);
  const authorization = req.raw.headers.authorization;
  let account: string | undefined;
  try {
    account = authorization ? accountForApiKey(ctx, apiKeyFromHeader(authorization)) : undefined;
  } catch {
    account = undefined;
  }
  try {
    if (which === 'hub') {
      // A real CoCalc: no Authorization header at all (cookies alone) → "You must provide
      // authentication via an API key."; a header with a key nobody has → the longer message.
      if (!authorization) throw new OperationError('You must provide authentication via an API key.');
      if (!account) throw new OperationError('must be signed in and MUST provide an api key (cookies are not allowed)');
      sendJson(req.res, 200, callHub(ctx, account, params));
    } else {
      if (!account) throw new OperationError('must sign in as project or account');
      sendJson(req.res, 200, callProject(ctx, account, params));
    }
  } catch (err) {
    if (err instanceof OperationError || err instanceof StoreError) return sendJson(req.res, 200, { error: err.message });
    throw err;
  }
}

/**
 * Runs one API function. A failure inside it reaches the caller as CoCalc's conat layer passes it
 * on: the error's string form, `Error: <message>` (e.g. `Error: user is not in an org`).
 */
function callFunction<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof OperationError || err instanceof StoreError) throw new OperationError(`Error: ${err.message}`);
    throw err;
  }
}

function firstArg(params: Args): { arg: Args; raw: unknown } {
  const args = params.args;
  if (args !== undefined && !Array.isArray(args)) throw new OperationError('args must be an array');
  const raw = (args as unknown[] | undefined)?.[0];
  const arg = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Args) } : {};
  return { arg, raw };
}

function callHub(ctx: EmulatorContext, account: string, params: Args): unknown {
  const name = params.name;
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(HUB, name)) {
    throw new OperationError(`unknown hub api function '${String(name)}'`);
  }
  const { arg, raw } = firstArg(params);
  arg.account_id = account; // the server injects the caller, overriding anything sent
  return callFunction(() => HUB[name]!(ctx, account, arg, raw)) ?? null;
}

function callProject(ctx: EmulatorContext, account: string, params: Args): unknown {
  const projectId = params.project_id;
  if (!projectId) throw new OperationError('must specify project_id or use project-specific api key');
  if (!isValidUuid(projectId) || !ctx.store.isCollaborator(account, projectId)) {
    throw new OperationError('user must be a collaborator on the project');
  }
  const name = params.name;
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(PROJECT, name)) {
    throw new OperationError(`unknown project api function '${String(name)}'`);
  }
  // The bridge touches (starts) the project before calling it (`server/api/project-bridge.ts`).
  startProject(ctx, account, projectId);
  return callFunction(() => PROJECT[name]!(ctx, account, projectId.toLowerCase(), firstArg(params).arg)) ?? null;
}

function requireSiteAdmin(ctx: EmulatorContext, account: string): void {
  if (!ctx.store.isAdmin(account)) throw new OperationError('must be an admin');
}

const HUB: Record<string, HubFn> = {
  'system.generateUserAuthToken': (ctx, account, arg) => mintUserAuthToken(ctx, account, arg.user_account_id, arg.password),
  'system.revokeUserAuthToken': (ctx, _account, arg, raw) => {
    const token = typeof raw === 'string' ? raw : arg.auth_token ?? arg.authToken;
    if (typeof token !== 'string') throw new OperationError('auth_token must be a string');
    ctx.store.expireAuthToken(token);
  },
  'org.createUser': (ctx, account, arg) => {
    requireSiteAdmin(ctx, account);
    if (typeof arg.name !== 'string' || arg.name === '') throw new OperationError('name of the organization must be given');
    return ctx.store.createAccount({
      email: typeof arg.email === 'string' ? arg.email : null,
      firstName: typeof arg.firstName === 'string' ? arg.firstName : '',
      lastName: typeof arg.lastName === 'string' ? arg.lastName : '',
      password: typeof arg.password === 'string' ? arg.password : null,
      org: arg.name,
    }).account_id;
  },
  'org.create': (ctx, account, arg) => {
    requireSiteAdmin(ctx, account);
    if (typeof arg.name !== 'string' || arg.name === '') throw new OperationError('name of the organization must be given');
    return ctx.store.createOrg(arg.name);
  },
  'org.addUser': (ctx, account, arg) => {
    requireSiteAdmin(ctx, account);
    if (typeof arg.name !== 'string' || !ctx.store.orgExists(arg.name)) throw new OperationError(`no such organization '${String(arg.name)}'`);
    const user = arg.user;
    const target = typeof user === 'string' ? (isValidUuid(user) ? ctx.store.account(user) : ctx.store.accountByEmail(user)) : undefined;
    if (!target) throw new OperationError(`no such user '${String(user)}'`);
    ctx.store.setAccountOrg(target.account_id, arg.name);
  },
  'org.createToken': (ctx, account, arg) => {
    const user = arg.user;
    const target = typeof user === 'string' ? (isValidUuid(user) ? ctx.store.account(user) : ctx.store.accountByEmail(user)) : undefined;
    if (!target) throw new OperationError(`no such user '${String(user)}'`);
    if (!target.org) throw new OperationError('user is not in an org');
    requireSiteAdmin(ctx, account);
    const ttlSeconds =
      typeof arg.expire === 'number' && arg.expire > Date.now() ? (arg.expire - Date.now()) / 1000 : ctx.options.tokenTtlSeconds;
    const token = ctx.store.createAuthToken(target.account_id, ttlSeconds);
    return { token, url: `${ctx.siteUrl}/auth/impersonate?auth_token=${token}` };
  },
  'org.expireToken': (ctx, account, arg) => {
    requireSiteAdmin(ctx, account);
    if (typeof arg.token !== 'string') throw new OperationError('token must be a string');
    ctx.store.expireAuthToken(arg.token);
  },
  'projects.createProject': (ctx, account, arg) =>
    createProject(ctx, account, { title: arg.title, description: arg.description, start: arg.start }),
  'projects.addCollaborator': (ctx, account, arg) => {
    // The hub API nests the options (`{opts: {project_id, account_id}}`) because the server
    // overwrites `args[0].account_id` with the caller.
    const opts = arg.opts !== null && typeof arg.opts === 'object' ? (arg.opts as Args) : undefined;
    if (!opts) throw new OperationError('opts must be an object {project_id, account_id}');
    addCollaborators(ctx, account, opts.project_id, opts.account_id);
  },
  'projects.start': (ctx, account, arg) => startProject(ctx, account, arg.project_id),
  'projects.stop': (ctx, account, arg) => stopProject(ctx, account, arg.project_id),
  'projects.copyPathBetweenProjects': (ctx, account, arg) => {
    const src = (arg.src ?? {}) as Args;
    const dest = (arg.dest ?? {}) as Args;
    copyPath(ctx, account, {
      srcProjectId: src.project_id ?? arg.src_project_id,
      srcPath: src.path ?? arg.src_path,
      targetProjectId: dest.project_id ?? arg.target_project_id,
      targetPath: dest.path ?? arg.target_path,
    });
  },
};

const PROJECT: Record<string, ProjectFn> = {
  'system.readTextFileFromProject': (ctx, account, projectId, arg) => readTextFile(ctx, account, projectId, arg.path),
  'system.writeTextFileToProject': (ctx, account, projectId, arg) => writeTextFile(ctx, account, projectId, arg.path, arg.content),
  'system.exec': (ctx, account, projectId, arg) => ({ ...execInProject(ctx, account, projectId, arg), type: 'blocking' }),
};
