import { isAuthToken, isPlainObject } from '@cocalc-embed/protocol';
import type { CocalcApi, CopyPathRequest, NewAccount, ProjectSummary, UserSession } from './cocalc-api.js';
import { malformedAnswer as invalid, uuidField } from './malformed-answer.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamTransport } from './upstream-transport.js';
import { listProjectsV2, postV2, signInV2 } from './v2-call.js';

/**
 * Client for current CoCalc (≥ 2025-08-28): `POST /api/v2/<path>` for accounts and projects, and
 * the hub bridge `POST /api/conat/hub` for what v2 lacks (tokens). Errors there are mostly HTTP 200 `{error}`; every answer is shape-checked
 * (docs/cocalc-protocol.md#api-v2, #conat-bridges, #backend-flows).
 */
export class CocalcModernClient implements CocalcApi {
  /** Always `modern`. */
  readonly generation = 'modern' as const;

  constructor(private readonly transport: UpstreamTransport) {}

  /** `POST /api/v2/<path>`: resolves with the JSON object, throws on `{error}` / `{issues}`. */
  async v2(path: string, params: Record<string, unknown>, idempotent = true, session?: UserSession): Promise<Record<string, unknown>> {
    const body = await postV2(this.transport, path, params, { idempotent, session });
    if (!isPlainObject(body)) throw invalid(`v2/${path}`, 'the answer is not a JSON object');
    return body;
  }

  /** `POST /api/conat/hub {name, args:[args]}`: resolves with the raw return value. */
  async hub(name: string, args: Record<string, unknown> = {}, idempotent = true): Promise<unknown> {
    return this.conat('/api/conat/hub', name, { name, args: [args] }, idempotent);
  }

  /** `system.ping` over the hub bridge → `{now}`. Used to detect a modern server. */
  async ping(): Promise<{ now: number }> {
    const value = await this.hub('system.ping');
    if (!isPlainObject(value) || typeof value.now !== 'number') throw invalid('system.ping', '"now" is missing');
    return { now: value.now };
  }

  /**
   * `auth/sign-up` with the admin key → `account_id`. CoCalc treats a sign-up with the e-mail and
   * password of an existing account as a sign-in and answers that account's id, which makes a
   * repeated call (a retry after a crash) create nothing.
   */
  async createAccount(account: NewAccount): Promise<string> {
    const m = await this.v2(
      'auth/sign-up',
      { email: account.email, password: account.password, firstName: account.firstName, lastName: account.lastName, terms: true },
      false,
    );
    return uuidField(m, 'account_id', 'v2/auth/sign-up');
  }

  /** `projects/create` → `project_id`. */
  async createProject(title: string, description = ''): Promise<string> {
    const m = await this.v2('projects/create', { title, description }, false);
    return uuidField(m, 'project_id', 'v2/projects/create');
  }

  /** `projects/collaborators/add`. */
  async addCollaborator(projectId: string, accountId: string): Promise<void> {
    await this.v2('projects/collaborators/add', { project_id: projectId, account_id: accountId });
  }

  /** `projects/write-text-file`. */
  async writeTextFile(projectId: string, path: string, content: string): Promise<void> {
    await this.v2('projects/write-text-file', { project_id: projectId, path, content });
  }

  /** `projects/copy-path` (note: `path`, not `src_path`), waiting until done. */
  async copyPath(request: CopyPathRequest): Promise<void> {
    await this.v2('projects/copy-path', {
      src_project_id: request.srcProjectId,
      path: request.srcPath,
      target_project_id: request.targetProjectId,
      target_path: request.targetPath ?? request.srcPath,
      wait_until_done: true,
    });
  }

  /** `projects/get`. */
  listProjects(options: { session?: UserSession; limit?: number } = {}): Promise<ProjectSummary[]> {
    return listProjectsV2(this.transport, options);
  }

  /** `auth/sign-in`. */
  signIn(email: string, password: string): Promise<UserSession> {
    return signInV2(this.transport, email, password);
  }

  /** `projects/stop`. */
  async stopProject(projectId: string, session?: UserSession): Promise<void> {
    await this.v2('projects/stop', { project_id: projectId }, true, session);
  }

  /** `projects/delete`. */
  async deleteProject(projectId: string, session?: UserSession): Promise<void> {
    await this.v2('projects/delete', { project_id: projectId }, true, session);
  }

  /** `projects/start`. */
  async startProject(projectId: string): Promise<void> {
    await this.v2('projects/start', { project_id: projectId });
  }

  /**
   * `system.generateUserAuthToken {user_account_id, password?}` → token (format-checked). An admin
   * key needs no password; an empty one is not sent.
   */
  async mintAuthToken(accountId: string, password: string): Promise<string> {
    const args: Record<string, unknown> = { user_account_id: accountId };
    if (password) args.password = password;
    const token = await this.hub('system.generateUserAuthToken', args);
    if (!isAuthToken(token)) throw invalid('system.generateUserAuthToken', 'the answer is not a 24-character token');
    return token;
  }

  /** `org.expireToken {token}` (site admins, which the backend's key must belong to). */
  async revokeAuthToken(token: string): Promise<boolean> {
    await this.hub('org.expireToken', { token });
    return true;
  }

  private async conat(path: string, name: string, body: Record<string, unknown>, idempotent: boolean): Promise<unknown> {
    const { status, body: answer } = await this.transport.post(name, path, body, { idempotent });
    if (status !== 200 || (isPlainObject(answer) && answer.error !== undefined)) {
      const text = isPlainObject(answer) && typeof answer.error === 'string' ? answer.error : `HTTP ${status}`;
      throw new UpstreamError('semantic', name, `CoCalc refused ${name}`, { status, upstreamMessage: text });
    }
    return answer;
  }
}
