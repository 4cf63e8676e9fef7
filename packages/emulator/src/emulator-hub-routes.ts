import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { readBody, sendJson } from './http-io.js';
import { sessionAccount } from './session-account.js';
import { redeemAuthToken } from './user-auth-token.js';

/** The remember_me session made by an era-C auth-token sign-in lives 12 h (`client.remember_me({ttl: 12*3600})`). */
const SESSION_TTL_SECONDS = 12 * 3600;

/**
 * Stand-ins (ours, NOT CoCalc HTTP endpoints) for what CoCalc's frontend does over its websocket:
 * - `POST /api/emulator/hub {event:"sign_in_using_auth_token", auth_token}` → `{event:"signed_in",
 *   account_id, remember_me}` or `{event:"error", error}` with CoCalc's strings (`server/hub/sign-in.ts`
 *   as of 2024-10-18); classic generation only, as the message left CoCalc on 2024-10-19.
 * - `GET /api/emulator/session` → `{account_id}` from the remember_me cookie.
 * - `GET /api/emulator/projects/<pid>` → `{project_id, title, state}`, 403 unless a collaborator.
 * - `GET /api/emulator/projects/<pid>/files?path=` → `{path, content}` or 404.
 * - `POST /api/emulator/projects/<pid>/start` → `{state:"running"}`.
 * Returns false for other paths.
 */
export async function handleEmulatorHub(ctx: EmulatorContext, req: EmulatorRequest): Promise<boolean> {
  if (!req.path.startsWith('/api/emulator/')) return false;
  const { res } = req;
  const rest = req.path.slice('/api/emulator'.length);
  if (rest === '/hub') {
    if (req.method !== 'POST') return notFound(req);
    let mesg: { event?: unknown; auth_token?: unknown; id?: unknown };
    try {
      mesg = JSON.parse((await readBody(req.raw, 64 * 1024)).toString('utf8') || '{}') as typeof mesg;
    } catch {
      sendJson(res, 400, { error: 'body must be JSON' });
      return true;
    }
    sendJson(res, 200, signInUsingAuthToken(ctx, mesg));
    return true;
  }
  if (rest === '/session') {
    if (req.method !== 'GET') return notFound(req);
    sendJson(res, 200, { account_id: sessionAccount(ctx, req) ?? null }, { 'cache-control': 'no-store' });
    return true;
  }
  const match = /^\/projects\/([^/]+)(\/files|\/start)?$/.exec(rest);
  if (!match) return notFound(req);
  const projectId = decodeURIComponent(match[1]!);
  const accountId = sessionAccount(ctx, req);
  const project = ctx.store.project(projectId);
  if (!accountId || !project || !ctx.store.hasAccess(accountId, projectId)) {
    sendJson(res, 403, { error: `you do not have access to project ${projectId}` });
    return true;
  }
  switch (match[2]) {
    case undefined:
      if (req.method !== 'GET') return notFound(req);
      sendJson(res, 200, { project_id: project.project_id, title: project.title, state: project.state });
      return true;
    case '/files': {
      if (req.method !== 'GET') return notFound(req);
      const path = req.query.get('path') ?? '';
      try {
        sendJson(res, 200, { path, content: ctx.store.readFile(project.project_id, path) });
      } catch (err) {
        sendJson(res, 404, { error: (err as Error).message });
      }
      return true;
    }
    default:
      if (req.method !== 'POST') return notFound(req);
      ctx.store.setProjectState(project.project_id, 'running');
      sendJson(res, 200, { state: 'running' });
      return true;
  }
}

function signInUsingAuthToken(
  ctx: EmulatorContext,
  mesg: { event?: unknown; auth_token?: unknown; id?: unknown },
): Record<string, unknown> {
  const id = typeof mesg.id === 'string' ? mesg.id : undefined;
  const error = (text: string) => ({ event: 'error', id, error: text });
  if (mesg.event !== 'sign_in_using_auth_token') return error(`unknown message event type '${String(mesg.event)}'`);
  // Servers of the `impersonate` era no longer have this message (removed 2024-10-19, ebd54e3e).
  if (ctx.options.generation !== 'classic') return error(`unknown message event type 'sign_in_using_auth_token'`);
  const token = mesg.auth_token;
  if (!token) return error('missing auth_token.');
  if (typeof token !== 'string' || token.length !== 24) return error('auth_token must be exactly 24 characters long');
  const accountId = redeemAuthToken(ctx, token);
  if (!accountId) return error('auth_token is not valid');
  const rememberMe = ctx.store.createSession(accountId, SESSION_TTL_SECONDS);
  return { event: 'signed_in', id, account_id: accountId, remember_me: rememberMe };
}

function notFound(req: EmulatorRequest): true {
  sendJson(req.res, 404, { error: `no such emulator endpoint '${req.method} ${req.path}'` });
  return true;
}
