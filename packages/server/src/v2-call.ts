import { isPlainObject, isValidUuid } from '@cocalc-embed/protocol';
import type { ProjectSummary, UserSession } from './cocalc-api.js';
import { malformedAnswer as invalid } from './malformed-answer.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamTransport } from './upstream-transport.js';

/** Options of {@link postV2}. */
export interface V2CallOptions {
  /** Whether repeating the call is harmless (see `PostOptions.idempotent`); default true. */
  idempotent?: boolean;
  /** Act as this signed-in user instead of the API key's account. */
  session?: UserSession;
}

/**
 * `POST /api/v2/<path>` as both generations' servers answer it: errors are HTTP 200 `{error}` or
 * `{issues:{…}}`; anything else is the answer (an object, or a list for `projects/get`).
 */
export async function postV2(transport: UpstreamTransport, path: string, params: Record<string, unknown>, options: V2CallOptions = {}): Promise<unknown> {
  const { status, body } = await transport.post(`v2/${path}`, `/api/v2/${path}`, params, {
    idempotent: options.idempotent ?? true,
    cookie: options.session?.cookie,
  });
  if (!isPlainObject(body) && !Array.isArray(body)) throw invalid(`v2/${path}`, 'the answer is neither a JSON object nor a list');
  if (isPlainObject(body)) {
    if (status !== 200 || body.error !== undefined) {
      throw new UpstreamError('semantic', `v2/${path}`, `CoCalc refused v2/${path}`, {
        status,
        upstreamMessage: typeof body.error === 'string' ? body.error : `HTTP ${status}`,
      });
    }
    if (isPlainObject(body.issues)) {
      throw new UpstreamError('semantic', `v2/${path}`, `CoCalc refused v2/${path} (${Object.keys(body.issues).join(', ')})`, {
        status,
        upstreamMessage: JSON.stringify(body.issues),
      });
    }
  }
  return body;
}

/**
 * `auth/sign-in {email, password}` → the session CoCalc sets (`remember_me` cookie, possibly with
 * a base-path prefix). Both generations' servers have it.
 */
export async function signInV2(transport: UpstreamTransport, email: string, password: string): Promise<UserSession> {
  const { status, body, setCookies } = await transport.post('v2/auth/sign-in', '/api/v2/auth/sign-in', { email, password }, { idempotent: true });
  if (!isPlainObject(body) || status !== 200 || body.error !== undefined) {
    throw new UpstreamError('semantic', 'v2/auth/sign-in', 'CoCalc refused v2/auth/sign-in', {
      status,
      upstreamMessage: isPlainObject(body) && typeof body.error === 'string' ? body.error : `HTTP ${status}`,
    });
  }
  const pair = setCookies.map((c) => c.split(';')[0]!.trim()).find((c) => /^[^=]*remember_me=/.test(c));
  if (!pair) throw invalid('v2/auth/sign-in', 'no remember_me cookie in the answer');
  return { cookie: pair };
}

/** `projects/get {limit}` → the caller's projects (not deleted, not hidden), most recently edited first. */
export async function listProjectsV2(transport: UpstreamTransport, options: { session?: UserSession; limit?: number } = {}): Promise<ProjectSummary[]> {
  const body = await postV2(transport, 'projects/get', options.limit === undefined ? {} : { limit: options.limit }, { session: options.session });
  if (!Array.isArray(body)) throw invalid('v2/projects/get', 'the answer is not a list');
  const projects: ProjectSummary[] = [];
  for (const item of body) {
    if (!isPlainObject(item) || !isValidUuid(item.project_id)) throw invalid('v2/projects/get', 'an entry has no valid project_id');
    projects.push({ projectId: item.project_id as string, title: typeof item.title === 'string' ? item.title : '' });
  }
  return projects;
}
