import { randomUUID } from 'node:crypto';
import { isAuthToken, isPlainObject } from '@cocalc-embed/protocol';
import type { CocalcApi, CopyPathRequest, NewAccount, ProjectSummary, UserSession } from './cocalc-api.js';
import { malformedAnswer as invalid, uuidField } from './malformed-answer.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamTransport } from './upstream-transport.js';
import { listProjectsV2, postV2, signInV2 } from './v2-call.js';

/** `{event:"pong"}` answer of `ping`. */
export interface V1Pong {
  readonly event: 'pong';
  readonly id: string;
  readonly now: string;
}

/** `project_exec` answer. */
export interface V1ExecOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exit_code: number;
}

/** Options of {@link CocalcV1Client}. */
export interface CocalcV1ClientOptions {
  /**
   * Send flat bodies as `application/x-www-form-urlencoded` (the API guide allows it for commands
   * without lists or objects). Default JSON: form-encoded booleans arrive as strings in CoCalc.
   */
  form?: boolean;
}

/**
 * Client for CoCalc's HTTP API v1 exactly as the API guide describes it: `POST /api/v1/<event>`,
 * `event` and a uuid `id` on every message, the key as HTTP Basic user (or Bearer), and answers
 * parsed defensively: HTTP 200 `{event:"error"}`, HTTP 400 `{error}`, `account_creation_failed`,
 * HTML and non-JSON bodies all become typed `UpstreamError`s (docs/cocalc-protocol.md#api-v1).
 */
export class CocalcV1Client implements CocalcApi {
  /** Always `v1`. */
  readonly generation = 'v1' as const;
  private readonly form: boolean;

  constructor(
    private readonly transport: UpstreamTransport,
    options: CocalcV1ClientOptions = {},
  ) {
    this.form = options.form ?? false;
  }

  /** `ping` → `{event:"pong", now}`. Used to detect a v1 server. */
  async ping(): Promise<V1Pong> {
    const m = await this.call('ping', {}, 'pong');
    return { event: 'pong', id: String(m.id), now: typeof m.now === 'string' ? m.now : '' };
  }

  /**
   * `create_account` → `account_id`. `account_creation_failed` becomes a semantic error naming the
   * fields, except a taken e-mail address: the backend's addresses are its own (random suffix,
   * recorded before the call), so a taken one is the account an earlier attempt created, and
   * `user_search` names it.
   */
  async createAccount(account: NewAccount): Promise<string> {
    try {
      return await this.createAccountOnce(account);
    } catch (error) {
      if (!(error instanceof UpstreamError) || !isEmailTaken(error)) throw error;
      const accountId = await this.findAccountByEmail(account.email);
      if (!accountId) throw error;
      return accountId;
    }
  }

  /** `user_search {query: email}` → the `account_id` of the account with exactly that address, if any. */
  async findAccountByEmail(email: string): Promise<string | undefined> {
    const m = await this.call('user_search', { query: email, limit: 1 }, 'user_search_results');
    if (!Array.isArray(m.results)) throw invalid('user_search', '"results" is not a list');
    const wanted = email.toLowerCase();
    for (const r of m.results) {
      if (isPlainObject(r) && typeof r.email_address === 'string' && r.email_address.toLowerCase() === wanted) {
        return uuidField(r, 'account_id', 'user_search');
      }
    }
    return undefined;
  }

  private async createAccountOnce(account: NewAccount): Promise<string> {
    const m = await this.call(
      'create_account',
      {
        first_name: account.firstName,
        last_name: account.lastName,
        email_address: account.email,
        password: account.password,
        agreed_to_terms: true,
      },
      'account_created',
      false,
    );
    return uuidField(m, 'account_id', 'create_account');
  }

  /** `create_project` → `project_id`; `start:true` also starts it. */
  async createProject(title: string, description = '', start = false): Promise<string> {
    const m = await this.call('create_project', { title, description, start }, 'project_created', false);
    return uuidField(m, 'project_id', 'create_project');
  }

  /** `add_collaborator {project_id, account_id}` → `{event:"success"}`. */
  async addCollaborator(projectId: string, accountId: string): Promise<void> {
    await this.call('add_collaborator', { project_id: projectId, account_id: accountId }, 'success');
  }

  /** `write_text_file_to_project` → `{event:"file_written_to_project"}`. */
  async writeTextFile(projectId: string, path: string, content: string): Promise<void> {
    await this.call('write_text_file_to_project', { project_id: projectId, path, content }, 'file_written_to_project');
  }

  /** `copy_path_between_projects`, waiting until done. Accepts `success` and KuCalc's `…_response`. */
  async copyPath(request: CopyPathRequest): Promise<void> {
    await this.call(
      'copy_path_between_projects',
      {
        src_project_id: request.srcProjectId,
        src_path: request.srcPath,
        target_project_id: request.targetProjectId,
        target_path: request.targetPath ?? request.srcPath,
        wait_until_done: true,
      },
      ['success', 'copy_path_between_projects_response'],
    );
  }

  /** `projects/get` (API v2, which servers of the v1 era have too; v1 itself only lists through its database `query`). */
  listProjects(options: { session?: UserSession; limit?: number } = {}): Promise<ProjectSummary[]> {
    return listProjectsV2(this.transport, options);
  }

  /** `auth/sign-in` (API v2). */
  signIn(email: string, password: string): Promise<UserSession> {
    return signInV2(this.transport, email, password);
  }

  /** `projects/stop` (API v2; v1 has no stop). */
  async stopProject(projectId: string, session?: UserSession): Promise<void> {
    await postV2(this.transport, 'projects/stop', { project_id: projectId }, { session });
  }

  /** `projects/delete` (API v2). */
  async deleteProject(projectId: string, session?: UserSession): Promise<void> {
    await postV2(this.transport, 'projects/delete', { project_id: projectId }, { session });
  }

  /** `project_exec` → output. Non-zero exit comes back from CoCalc as `event:"error"`. */
  async projectExec(projectId: string, command: string, args: readonly string[] = [], timeout = 10): Promise<V1ExecOutput> {
    const m = await this.call('project_exec', { project_id: projectId, command, args: [...args], timeout }, 'project_exec_output');
    return { stdout: typeof m.stdout === 'string' ? m.stdout : '', stderr: typeof m.stderr === 'string' ? m.stderr : '', exit_code: Number(m.exit_code ?? 0) };
  }

  /** Starts a project the v1 way: `project_exec {command:"true"}` (docs/cocalc-protocol.md#backend-flows). */
  async startProject(projectId: string): Promise<void> {
    await this.projectExec(projectId, 'true');
  }

  /** `user_auth {account_id, password}` → the 24-character `auth_token`, format-checked. */
  async userAuth(accountId: string, password: string): Promise<string> {
    const m = await this.call('user_auth', { account_id: accountId, password }, 'user_auth_token');
    if (!isAuthToken(m.auth_token)) throw invalid('user_auth', '"auth_token" is missing or not a 24-character token');
    return m.auth_token;
  }

  /** API v1 never exposed `revoke_auth_token` over HTTP (docs/cocalc-protocol.md#auth-tokens): tokens live until they expire. */
  async revokeAuthToken(): Promise<boolean> {
    return false;
  }

  /** Same as {@link userAuth}, under the generation-neutral name. */
  mintAuthToken(accountId: string, password: string): Promise<string> {
    return this.userAuth(accountId, password);
  }

  /**
   * Sends one v1 message and returns it if its `event` is one of `expected`. Lists and objects
   * always go as JSON; flat bodies go form-encoded when configured.
   */
  private async call(
    event: string,
    fields: Record<string, unknown>,
    expected: string | readonly string[],
    idempotent = true,
  ): Promise<Record<string, unknown>> {
    const id = randomUUID();
    const body = { event, id, ...fields };
    const flat = Object.values(fields).every((v) => v === null || typeof v !== 'object');
    // Booleans form-encode as "false" which CoCalc reads as truthy; keep JSON for those.
    const form = this.form && flat && !Object.values(fields).some((v) => typeof v === 'boolean');
    const { status, body: answer } = await this.transport.post(event, `/api/v1/${event}`, body, { form, idempotent });
    if (!isPlainObject(answer)) throw invalid(event, 'the answer is not a JSON object');
    if (status !== 200 || answer.event === 'error' || typeof answer.error === 'string') {
      const text = typeof answer.error === 'string' ? answer.error : `HTTP ${status}`;
      throw new UpstreamError('semantic', event, `CoCalc refused ${event}`, { status, upstreamMessage: text });
    }
    if (answer.event === 'account_creation_failed') {
      const reason = isPlainObject(answer.reason) ? Object.keys(answer.reason).join(', ') : 'unknown';
      throw new UpstreamError('semantic', event, `CoCalc refused to create the account (${reason})`, {
        reason: isPlainObject(answer.reason) ? answer.reason : undefined,
        status,
        upstreamMessage: JSON.stringify(answer.reason ?? null),
      });
    }
    const events = typeof expected === 'string' ? [expected] : expected;
    if (!events.includes(String(answer.event))) {
      throw invalid(event, `unexpected event ${JSON.stringify(String(answer.event).slice(0, 40))}`);
    }
    return answer;
  }
}

/** Whether `create_account` refused only because the e-mail address is taken. */
function isEmailTaken(error: UpstreamError): boolean {
  const reason = error.reason;
  if (!reason) return false;
  const keys = Object.keys(reason);
  return keys.length === 1 && keys[0] === 'email_address' && /taken|in use/i.test(String(reason.email_address));
}
