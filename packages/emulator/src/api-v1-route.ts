import { randomUUID } from 'node:crypto';
import { ApiAuthError, requireApiAccount } from './api-key-auth.js';
import type { EmulatorContext } from './emulator-context.js';
import { StoreError } from './emulator-store.js';
import { sendExpressErrorPage } from './express-error-page.js';
import type { EmulatorRequest } from './http-io.js';
import { sendJson } from './http-io.js';
import { sendNotFoundPage } from './next-not-found.js';
import { OperationError } from './operation-error.js';
import {
  addCollaborators,
  assertReadAccess,
  copyPath,
  createProject,
  execInProject,
  readTextFile,
  writeTextFile,
} from './project-operations.js';
import { BodyParseError, readParams } from './request-params.js';
import { mintUserAuthToken } from './user-auth-token.js';
import { applyDefaults, NON_API_MESSAGES, V1_API_MESSAGES } from './v1-messages.js';

type Message = Record<string, unknown>;

/**
 * `POST {base}/api/v1/<event>` — CoCalc's HTTP API v1 as of 2024-10-18
 * (docs/cocalc-protocol.md#api-v1), classic generation only (modern servers answer the Next.js 404 page). Order of checks
 * as in CoCalc: body parsing (Express HTML 400/413), API key (400 `{error}`), endpoint name
 * (400 `{error}`), strict parameters (400 `{error:"invalid parameters '…'"}`), then the handler,
 * whose failures are HTTP 200 `{event:"error", id, error}`.
 */
export async function handleApiV1(ctx: EmulatorContext, req: EmulatorRequest): Promise<void> {
  const { res } = req;
  if (ctx.options.generation !== 'classic' || req.method !== 'POST') {
    req.raw.resume();
    sendNotFoundPage(res);
    return;
  }
  let params: Message;
  try {
    params = await readParams(req);
  } catch (err) {
    if (err instanceof BodyParseError) return sendExpressErrorPage(res, err.status, err.statusText);
    throw err;
  }
  let requester: string;
  try {
    requester = requireApiAccount(ctx, req.raw.headers.authorization);
  } catch (err) {
    if (err instanceof ApiAuthError) return sendJson(res, 400, { error: err.message });
    throw err;
  }
  const event = decodeURIComponent(req.path.slice(req.path.lastIndexOf('/') + 1));
  const schema = Object.prototype.hasOwnProperty.call(V1_API_MESSAGES, event) ? V1_API_MESSAGES[event] : undefined;
  if (!schema) {
    const error = NON_API_MESSAGES.has(event) ? `endpoint '${event}' is not part of the HTTP API` : `unknown endpoint '${event}'`;
    return sendJson(res, 400, { error });
  }
  let mesg: Message;
  try {
    mesg = applyDefaults(params, { event, id: undefined, ...schema });
  } catch (err) {
    return sendJson(res, 400, { error: `invalid parameters 'Error: ${(err as Error).message}'` });
  }
  const id = typeof mesg.id === 'string' && mesg.id !== '' ? mesg.id : randomUUID();
  try {
    const reply = HANDLERS[event]!(ctx, requester, mesg);
    sendJson(res, 200, { event: reply.event, id, ...reply });
  } catch (err) {
    if (err instanceof OperationError || err instanceof StoreError) {
      return sendJson(res, 200, { event: 'error', id, error: err.message });
    }
    throw err;
  }
}

type Handler = (ctx: EmulatorContext, requester: string, mesg: Message) => Message;

const HANDLERS: Record<string, Handler> = {
  ping: () => ({ event: 'pong', now: new Date().toISOString() }),

  create_account: (ctx, _requester, mesg) => {
    const reason = accountCreationIssues(ctx, mesg);
    if (reason) return { event: 'account_creation_failed', reason };
    const account = ctx.store.createAccount({
      email: String(mesg.email_address),
      firstName: String(mesg.first_name),
      lastName: String(mesg.last_name),
      password: String(mesg.password),
    });
    const reply: Message = { event: 'account_created', account_id: account.account_id };
    if (mesg.get_api_key) reply.api_key = ctx.store.createApiKey(account.account_id);
    return reply;
  },

  create_project: (ctx, requester, mesg) => ({
    event: 'project_created',
    project_id: createProject(ctx, requester, { title: mesg.title, description: mesg.description, start: mesg.start }),
  }),

  add_collaborator: (ctx, requester, mesg) => {
    if (mesg.token_id !== undefined) throw new OperationError('project invite tokens (token_id) are not supported by this server');
    if (mesg.project_id === undefined) throw new OperationError('project_id must be specified');
    addCollaborators(ctx, requester, mesg.project_id, mesg.account_id);
    return { event: 'success' };
  },

  write_text_file_to_project: (ctx, requester, mesg) => {
    writeTextFile(ctx, requester, mesg.project_id, mesg.path, mesg.content);
    return { event: 'file_written_to_project' };
  },

  read_text_file_from_project: (ctx, requester, mesg) => {
    if (Array.isArray(mesg.project_id) || Array.isArray(mesg.path)) {
      const projects: unknown[] = Array.isArray(mesg.project_id) ? mesg.project_id : [];
      const paths: unknown[] = Array.isArray(mesg.path) ? mesg.path : [];
      if (projects.length !== paths.length) throw new OperationError('project_id and path arrays must have the same length');
      const content = projects.map((projectId: unknown, i) => {
        try {
          return { project_id: projectId, path: paths[i], content: readTextFile(ctx, requester, projectId, paths[i]) };
        } catch (err) {
          if (err instanceof OperationError) return { project_id: projectId, path: paths[i], error: err.message };
          throw err;
        }
      });
      return { event: 'text_file_read_from_project', content };
    }
    return { event: 'text_file_read_from_project', content: readTextFile(ctx, requester, mesg.project_id, mesg.path) };
  },

  copy_path_between_projects: (ctx, requester, mesg) => {
    copyPath(ctx, requester, {
      srcProjectId: mesg.src_project_id,
      srcPath: mesg.src_path,
      targetProjectId: mesg.target_project_id,
      targetPath: mesg.target_path,
    });
    return { event: 'success' };
  },

  project_exec: (ctx, requester, mesg) => ({
    event: 'project_exec_output',
    ...execInProject(ctx, requester, mesg.project_id, mesg),
  }),

  user_auth: (ctx, requester, mesg) => ({
    event: 'user_auth_token',
    auth_token: mintUserAuthToken(ctx, requester, mesg.account_id, mesg.password),
  }),

  // Email items find the one account with that address (with `email_address`); other items match
  // first or last names by prefix (without it, for non-admins). At most `limit` (hard cap 50).
  user_search: (ctx, requester, mesg) => {
    const admin = mesg.admin === true && ctx.store.isAdmin(requester);
    const limit = Math.min(50, Number(mesg.limit) || 20);
    const results: Message[] = [];
    for (const item of String(mesg.query).split(',').map((q) => q.trim()).filter(Boolean)) {
      if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(item)) {
        const a = ctx.store.accountByEmail(item);
        if (a) results.push({ account_id: a.account_id, first_name: a.first_name, last_name: a.last_name, email_address: a.email_address });
      } else {
        for (const a of ctx.store.accountsByName(item)) {
          results.push({ account_id: a.account_id, first_name: a.first_name, last_name: a.last_name, ...(admin ? { email_address: a.email_address } : {}) });
        }
      }
    }
    return { event: 'user_search_results', results: results.slice(0, limit) };
  },

  touch_project: (ctx, requester, mesg) => {
    assertReadAccess(ctx, requester, mesg.project_id);
    return { event: 'success' };
  },
};

/**
 * Why `create_account` refuses, as CoCalc's `reason` object (`{field: message}`), or undefined.
 * CoCalc checks terms, names, e-mail and password (6–64 characters), then uniqueness.
 */
function accountCreationIssues(ctx: EmulatorContext, mesg: Message): Record<string, string> | undefined {
  const issues: Record<string, string> = {};
  if (!mesg.agreed_to_terms) issues.agreed_to_terms = 'Agree to the CoCalc Terms of Service.';
  if (typeof mesg.first_name !== 'string' || mesg.first_name.trim() === '') issues.first_name = 'Enter your first name.';
  if (typeof mesg.last_name !== 'string' || mesg.last_name.trim() === '') issues.last_name = 'Enter your last name.';
  const email = mesg.email_address;
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    issues.email_address = 'Email address does not appear to be valid';
  } else if (ctx.store.accountByEmail(email)) {
    issues.email_address = 'This e-mail address is already taken.';
  }
  const password = mesg.password;
  if (typeof password !== 'string' || password.length < 6 || password.length > 64) {
    issues.password = 'Password must be between 6 and 64 characters.';
  }
  return Object.keys(issues).length ? issues : undefined;
}
