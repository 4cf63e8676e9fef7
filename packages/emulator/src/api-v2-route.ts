import { accountForApiKey, apiKeyFromHeader } from './api-key-auth.js';
import type { EmulatorContext } from './emulator-context.js';
import { StoreError } from './emulator-store.js';
import type { EmulatorRequest } from './http-io.js';
import { appendSetCookie, sendJson, serializeCookie } from './http-io.js';
import { cookieName, REMEMBER_ME_COOKIE_NAME } from './cookie-name.js';
import { sendNotFoundPage } from './next-not-found.js';
import { OperationError } from './operation-error.js';
import {
  addCollaborators,
  copyPath,
  createProject,
  execInProject,
  startProject,
  stopProject,
  writeTextFile,
} from './project-operations.js';
import { BodyParseError, readParams } from './request-params.js';
import { sessionAccount } from './session-account.js';

type Params = Record<string, unknown>;
type Handler = (ctx: EmulatorContext, account: string | undefined, params: Params, req: EmulatorRequest) => unknown;

/**
 * `POST {base}/api/v2/<path>` (cocalc-reference.md §3.3): the Next.js API, present in both
 * generations (every endpoint below existed by 2024-10-18). Parameters come only from the POST body
 * (JSON or form). The `remember_me` cookie takes precedence over an API key (Basic or Bearer). Errors
 * are HTTP 200 `{error}`; void successes `{status:"ok"}`. Unknown paths get the Next.js 404 page.
 */
export async function handleApiV2(ctx: EmulatorContext, req: EmulatorRequest): Promise<void> {
  const endpoint = req.path.slice('/api/v2/'.length).replace(/\/+$/, '');
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, endpoint) ? HANDLERS[endpoint] : undefined;
  if (!handler) {
    req.raw.resume();
    return sendNotFoundPage(req.res);
  }
  let params: Params;
  try {
    params = req.method === 'POST' ? await readParams(req) : {};
  } catch (err) {
    if (err instanceof BodyParseError) return sendJson(req.res, err.status, { error: err.statusText });
    throw err;
  }
  const account = accountOf(ctx, req);
  try {
    sendJson(req.res, 200, handler(ctx, account, params, req));
  } catch (err) {
    if (err instanceof OperationError || err instanceof StoreError) return sendJson(req.res, 200, { error: err.message });
    throw err;
  }
}

/** CoCalc's `getAccountId`: remember_me cookie first, then an API key; a bad key just means "not signed in". */
function accountOf(ctx: EmulatorContext, req: EmulatorRequest): string | undefined {
  const fromCookie = sessionAccount(ctx, req);
  if (fromCookie) return fromCookie;
  try {
    return req.raw.headers.authorization ? accountForApiKey(ctx, apiKeyFromHeader(req.raw.headers.authorization)) : undefined;
  } catch {
    return undefined;
  }
}

function fail(message: string): never {
  throw new OperationError(message);
}

function signedIn(account: string | undefined): string {
  if (!account) throw new OperationError('must be signed in');
  return account;
}

const OK = { status: 'ok' } as const;

/** A password sign-in's session lasts as long as CoCalc's remember_me default (6 months). */
const SIGN_IN_TTL_SECONDS = 180 * 24 * 3600;

const HANDLERS: Record<string, Handler> = {
  'auth/sign-up': (ctx, account, p) => {
    // With a key (or a session) on-prem, only admins may create accounts; anonymous sign-up is the
    // public form and allowed.
    if (account && !ctx.store.isAdmin(account)) throw new OperationError('only admins can create accounts');
    const email = typeof p.email === 'string' ? p.email.trim() : '';
    const password = typeof p.password === 'string' ? p.password : '';
    const existing = email ? ctx.store.accountByEmail(email) : undefined;
    if (existing && ctx.store.isPasswordCorrect(existing.account_id, password)) return { account_id: existing.account_id };
    const issues: Record<string, string> = {};
    if (!p.terms || p.terms === 'false') issues.terms = 'You must agree to the terms of usage.';
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) issues.email = 'You must provide a valid email address.';
    else if (existing) issues.email = 'Email address already in use.';
    if (password.length < 6 || password.length > 64) issues.password = 'Your password must be between 6 and 64 characters long.';
    if (Object.keys(issues).length) return { issues };
    const created = ctx.store.createAccount({
      email,
      password,
      firstName: typeof p.firstName === 'string' ? p.firstName : '',
      lastName: typeof p.lastName === 'string' ? p.lastName : '',
    });
    return { account_id: created.account_id };
  },
  // `auth/sign-in {email, password}` → `{account_id}` and a remember_me cookie, or `{error}`.
  'auth/sign-in': (ctx, _account, p, req) => {
    const email = typeof p.email === 'string' ? p.email : '';
    const found = email ? ctx.store.accountByEmail(email) : undefined;
    if (!found) throw new OperationError(`Problem signing into account -- Error: no account with email address '${email}'.`);
    if (!ctx.store.isPasswordCorrect(found.account_id, typeof p.password === 'string' ? p.password : '')) {
      throw new OperationError(`Problem signing into account -- Error: password for '${email}' is incorrect.`);
    }
    const value = ctx.store.createSession(found.account_id, SIGN_IN_TTL_SECONDS);
    appendSetCookie(req.res, serializeCookie(cookieName(ctx.options.basePath, REMEMBER_ME_COOKIE_NAME), value, {
      maxAgeMs: SIGN_IN_TTL_SECONDS * 1000,
      sameSite: ctx.options.samesiteRememberMe,
      secure: req.secure,
      path: '/',
      httpOnly: true,
    }));
    return { account_id: found.account_id };
  },
  // `projects/get {limit?}` → the caller's projects (at most `limit`, default 50), newest first.
  'projects/get': (ctx, account, p) => {
    const limit = typeof p.limit === 'number' ? p.limit : Number(p.limit ?? 50);
    return ctx.store
      .projectsOf(account ?? fail('must be authenticated'))
      .slice(0, Number.isFinite(limit) && limit > 0 ? limit : 0)
      .map((project) => ({ project_id: project.project_id, title: project.title, description: project.description, name: null }));
  },
  'projects/create': (ctx, account, p) => ({
    project_id: createProject(ctx, signedIn(account), { title: p.title, description: p.description }),
  }),
  'projects/collaborators/add': (ctx, account, p) => {
    addCollaborators(ctx, signedIn(account), p.project_id, p.account_id);
    return OK;
  },
  'projects/write-text-file': (ctx, account, p) => {
    writeTextFile(ctx, signedIn(account), p.project_id, p.path, p.content);
    return OK;
  },
  'projects/copy-path': (ctx, account, p) => {
    copyPath(ctx, signedIn(account), {
      srcProjectId: p.src_project_id,
      srcPath: p.path,
      targetProjectId: p.target_project_id,
      targetPath: p.target_path,
    });
    return { copy_id: '' };
  },
  'projects/start': (ctx, account, p) => {
    startProject(ctx, signedIn(account), p.project_id);
    return OK;
  },
  'projects/stop': (ctx, account, p) => {
    stopProject(ctx, signedIn(account), p.project_id);
    return OK;
  },
  'projects/touch': (ctx, account, p) => {
    startProject(ctx, signedIn(account), p.project_id);
    return OK;
  },
  exec: (ctx, account, p) => execInProject(ctx, signedIn(account), p.project_id, p),
};
