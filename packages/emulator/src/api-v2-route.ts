import { accountForApiKey, apiKeyFromHeader } from './api-key-auth.js';
import type { EmulatorContext } from './emulator-context.js';
import { StoreError } from './emulator-store.js';
import type { EmulatorRequest } from './http-io.js';
import { sendJson } from './http-io.js';
import { sendNotFoundPage } from './next-not-found.js';
import { OperationError } from './operation-error.js';
import {
  addCollaborators,
  copyPath,
  createFirstProject,
  createProject,
  deleteProject,
  execInProject,
  setProjectRunningAsCollaborator,
  startProject,
  writeTextFile,
} from './project-operations.js';
import { BodyParseError, readParams } from './request-params.js';
import { sessionAccount } from './session-account.js';
import { ensureConnectSid, setSignInCookies } from './sign-in-cookies.js';

type Params = Record<string, unknown>;
type Handler = (ctx: EmulatorContext, account: string | undefined, params: Params, req: EmulatorRequest) => unknown;

/** A browser sign-up or a password sign-in signs the account in for six months (CoCalc's default sign-in length). */
const SIGN_UP_SESSION_SECONDS = 6 * 30 * 24 * 3600;
/** CoCalc's password length limits for sign-up (`@cocalc/util/auth`). */
const MIN_PASSWORD_LENGTH = 6;
const MAX_PASSWORD_LENGTH = 64;

/**
 * `POST {base}/api/v2/<path>` (docs/cocalc-protocol.md#api-v2): the Next.js API, present in both
 * generations (every endpoint below existed by 2024-10-18). Parameters come only from the POST body
 * (JSON or form). The `remember_me` cookie takes precedence over an API key (Basic or Bearer). Errors
 * are HTTP 200 `{error}`; void successes `{status:"ok"}`. Unknown paths get the Next.js 404 page.
 * Every answer carries the hub's `connect.sid` session cookie when the request had none.
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
  let answer: unknown;
  try {
    answer = handler(ctx, account, params, req);
  } catch (err) {
    if (!(err instanceof OperationError || err instanceof StoreError)) throw err;
    answer = { error: err.message };
  }
  ensureConnectSid(req);
  sendJson(req.res, 200, answer);
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

const HANDLERS: Record<string, Handler> = {
  'auth/sign-up': (ctx, account, p, req) => {
    // CoCalc's `auth/sign-up` (next `pages/api/v2/auth/sign-up.ts`), in its order: an existing
    // e-mail + password signs in; then the obvious issues; then, through the API, only trusted
    // (here: admin) callers; then the e-mail must be free.
    const email = typeof p.email === 'string' ? p.email.trim().toLowerCase() : '';
    const password = typeof p.password === 'string' ? p.password.trim() : '';
    const existing = email ? ctx.store.accountByEmail(email) : undefined;
    if (existing && password && ctx.store.isPasswordCorrect(existing.account_id, password)) {
      if (!account) setSignInCookies(ctx, req, existing.account_id, SIGN_UP_SESSION_SECONDS);
      return { account_id: existing.account_id };
    }
    const issues = signUpIssues(p.terms, email, password);
    if (Object.keys(issues).length) return { issues };
    if (account && !ctx.store.isAdmin(account)) {
      return { issues: { api: 'Error: only trusted accounts may create accounts through the API' } };
    }
    if (existing) return { issues: { email: `Email address "${email}" already in use.` } };
    const created = ctx.store.createAccount({
      email,
      password,
      firstName: typeof p.firstName === 'string' && p.firstName ? p.firstName.trim() : 'Anonymous',
      lastName: typeof p.lastName === 'string' && p.lastName ? p.lastName.trim() : `User-${Math.round(Date.now() / 1000)}`,
    });
    createFirstProject(ctx, created.account_id);
    // Through the API (a key or a session) the caller stays who it was; a browser sign-up is signed in.
    if (!account) setSignInCookies(ctx, req, created.account_id, SIGN_UP_SESSION_SECONDS);
    return { account_id: created.account_id };
  },
  // `auth/sign-in {email, password}` → `{account_id}` and the sign-in cookies, or `{error}`.
  'auth/sign-in': (ctx, _account, p, req) => {
    const email = typeof p.email === 'string' ? p.email : '';
    const found = email ? ctx.store.accountByEmail(email) : undefined;
    if (!found) throw new OperationError(`Problem signing into account -- Error: no account with email address '${email}'.`);
    if (!ctx.store.isPasswordCorrect(found.account_id, typeof p.password === 'string' ? p.password : '')) {
      throw new OperationError(`Problem signing into account -- Error: password for '${email}' is incorrect.`);
    }
    setSignInCookies(ctx, req, found.account_id, SIGN_UP_SESSION_SECONDS);
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
  'projects/delete': (ctx, account, p) => {
    deleteProject(ctx, signedIn(account), p.project_id);
    return OK;
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
    setProjectRunningAsCollaborator(ctx, account, p.project_id, true);
    return OK;
  },
  'projects/stop': (ctx, account, p) => {
    setProjectRunningAsCollaborator(ctx, account, p.project_id, false);
    return OK;
  },
  'projects/touch': (ctx, account, p) => {
    startProject(ctx, signedIn(account), p.project_id);
    return OK;
  },
  // A blocking exec says so: `type: "blocking"` (CoCalc's exec also has an async mode).
  exec: (ctx, account, p) => ({ ...execInProject(ctx, signedIn(account), p.project_id, p), type: 'blocking' }),
};

/**
 * CoCalc's `checkObviousConditions` for sign-up, with its texts. Its password-strength score is
 * replaced by a small rule of ours: letters only or digits only, shorter than 12, is too easy.
 */
function signUpIssues(terms: unknown, email: string, password: string): Record<string, string> {
  const issues: Record<string, string> = {};
  if (!terms || terms === 'false') issues.terms = 'You must agree to the terms of usage.';
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) issues.email = `You must provide a valid email address -- '${email}' is not valid.`;
  if (password.length < MIN_PASSWORD_LENGTH) issues.password = 'Your password must not be very easy to guess.';
  else if (password.length > MAX_PASSWORD_LENGTH) issues.password = `Your password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  else if (password.length < 12 && /^([a-z]+|[0-9]+)$/i.test(password)) issues.password = 'Your password is too easy to guess.';
  return issues;
}
