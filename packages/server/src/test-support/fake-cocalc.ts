import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the fake answers every API call. The emulator's `upstream` control covers `ok`, `500`,
 * `html`, `slow` and `reset`; the rest exist only here because tests need them and the emulator
 * cannot do them: `error200` (HTTP 200 with CoCalc's error shape), `badtoken` (a malformed token),
 * `reset-once` (one connection reset, then healthy), `echo-error` (an error quoting the whole request
 * body, passwords included, as old CoCalc's argument checks did; `echoPadding` characters come first).
 */
export type FakeMode = 'ok' | '500' | 'html' | 'slow' | 'reset' | 'error200' | 'badtoken' | 'reset-once' | 'echo-error';

/** A recorded API call. */
export interface FakeCall {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
}

/** One project the fake knows. `owner` is the account that created it (the API key's, or a new user's). */
export interface FakeProject {
  owner: string;
  title: string;
  collaborators: Set<string>;
  files: Map<string, string>;
  running: boolean;
  deleted: boolean;
}

/** A minimal CoCalc API stand-in for tests and the benchmark (NOT the emulator; no kiosk). */
export interface FakeCocalc {
  readonly url: string;
  readonly apiKey: string;
  /** The account the API key belongs to (a site admin). */
  readonly adminAccountId: string;
  readonly calls: FakeCall[];
  mode: FakeMode;
  latencyMs: number;
  /** Characters of filler before the quoted body in `echo-error` answers. */
  echoPadding: number;
  /**
   * Awaited before a call to `path` is answered (after it was recorded and, for creations, before
   * anything is made): tests hold a call open with it and release it later.
   */
  gate: ((path: string, body: Record<string, unknown>) => Promise<void>) | undefined;
  /**
   * Paths whose next call is carried out and then answered with a reset connection, as when the
   * backend dies (or the network fails) between CoCalc's work and its answer.
   */
  readonly dropAnswerOnce: Set<string>;
  /** Like CoCalc: every sign-up also creates and starts a "My First Project" owned by the new account. */
  firstProjectOnSignUp: boolean;
  /** `auth/sign-in` answers an error while set (a CoCalc that refuses for a while). */
  refuseSignIn: boolean;
  /** Accounts, projects (with collaborators, files, state) and tokens it knows. */
  readonly state: {
    accounts: Map<string, { password: string; email: string }>;
    projects: Map<string, FakeProject>;
    tokens: Map<string, string>;
    /** Tokens expired through `org.expireToken`. */
    expired: Set<string>;
    /** remember_me value → account. */
    sessions: Map<string, string>;
  };
  close(): Promise<void>;
}

/** Starts the fake on an ephemeral port speaking `generation`. */
export async function startFakeCocalc(options: { generation: 'classic' | 'modern'; apiKey?: string; latencyMs?: number }): Promise<FakeCocalc> {
  const apiKey = options.apiKey ?? `sk-${randomBytes(18).toString('hex').slice(0, 24)}`;
  const state: FakeCocalc['state'] = { accounts: new Map(), projects: new Map(), tokens: new Map(), expired: new Set(), sessions: new Map() };
  const calls: FakeCall[] = [];
  let resetOnce = true;
  const fake: FakeCocalc = {
    url: '',
    apiKey,
    adminAccountId: randomUUID(),
    calls,
    mode: 'ok' as FakeMode,
    latencyMs: options.latencyMs ?? 0,
    echoPadding: 0,
    gate: undefined,
    dropAnswerOnce: new Set(),
    firstProjectOnSignUp: false,
    refuseSignIn: false,
    state,
    close: async () => {},
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(data));
    });
    const contentType = req.headers['content-type'];
    let body: Record<string, unknown> = {};
    try {
      body = /urlencoded/.test(contentType ?? '') ? Object.fromEntries(new URLSearchParams(text)) : text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const path = (req.url ?? '/').split('?')[0]!;
    calls.push({ path, body, authorization: req.headers.authorization, contentType });
    if (fake.latencyMs > 0) await sleep(fake.latencyMs);
    if (fake.gate) await fake.gate(path, body);
    const drop = fake.dropAnswerOnce.delete(path);
    const setCookies: string[] = [];
    const json = (status: number, value: unknown) => {
      if (drop) return void req.socket.destroy();
      res.writeHead(status, { 'content-type': 'application/json', ...(setCookies.length ? { 'set-cookie': setCookies } : {}) });
      res.end(JSON.stringify(value));
    };
    switch (fake.mode) {
      case '500':
        return json(500, { error: `internal: ${apiKey}` });
      case 'html':
        res.writeHead(502, { 'content-type': 'text/html' });
        return void res.end(`<html><body>Bad gateway ${apiKey}</body></html>`);
      case 'slow':
        await sleep(60_000);
        return json(200, {});
      case 'reset':
        return void req.socket.destroy();
      case 'reset-once':
        if (resetOnce) {
          resetOnce = false;
          return void req.socket.destroy();
        }
        break;
      default:
    }
    const auth = req.headers.authorization ?? '';
    const key = auth.startsWith('Bearer ') ? auth.slice(7) : Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString().replace(/:$/, '');
    const generation = options.generation;
    if (generation === 'classic' && path.startsWith('/api/v1/')) {
      if (key !== apiKey) return json(400, { error: 'No account found. Is your API key wrong?' });
      const event = path.slice('/api/v1/'.length);
      const id = typeof body.id === 'string' ? body.id : randomUUID();
      if (fake.mode === 'error200') return json(200, { event: 'error', id, error: `something failed ${apiKey}` });
      if (fake.mode === 'echo-error') return json(200, { event: 'error', id, error: echo(body) });
      return json(200, { id, ...v1(event, body, fake) });
    }
    if (path.startsWith('/api/v2/') || (generation === 'modern' && path.startsWith('/api/conat/'))) {
      // Both generations have API v2; a remember_me cookie acts as that user (CoCalc reads it first).
      const cookie = /(?:^|;\s*)remember_me=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      const caller = cookie !== undefined ? fake.state.sessions.get(cookie) : key === apiKey ? fake.adminAccountId : undefined;
      if (path === '/api/v2/auth/sign-in') {
        const account = [...state.accounts].find(([, a]) => a.email === body.email && a.password === body.password)?.[0];
        if (fake.refuseSignIn || !account) return json(200, { error: 'Problem signing into account -- password is incorrect.' });
        const value = randomBytes(16).toString('hex');
        state.sessions.set(value, account);
        setCookies.push(`remember_me=${value}; Path=/; HttpOnly; SameSite=Strict`);
        return json(200, { account_id: account });
      }
      if (!caller) return json(200, { error: 'invalid api key' });
      if (fake.mode === 'error200') return json(200, { error: `something failed ${apiKey}` });
      if (fake.mode === 'echo-error') return json(200, { error: echo(body) });
      return json(200, modern(path, body, fake, caller));
    }
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html>Not found</html>');
  };

  const echo = (body: Record<string, unknown>) =>
    `misc.defaults -- TypeError: ${'x'.repeat(fake.echoPadding)} got (obj1=${JSON.stringify(body)}, obj2={})`;

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

function newProject(f: FakeCocalc, owner: string, title: string, running: boolean): string {
  const project_id = randomUUID();
  f.state.projects.set(project_id, { owner, title, collaborators: new Set([owner]), files: new Map(), running, deleted: false });
  return project_id;
}

function newAccount(f: FakeCocalc, email: string, password: string): string {
  const account_id = randomUUID();
  f.state.accounts.set(account_id, { password, email });
  if (f.firstProjectOnSignUp) newProject(f, account_id, 'My First Project', true);
  return account_id;
}

function v1(event: string, b: Record<string, unknown>, f: FakeCocalc): Record<string, unknown> {
  const s = f.state;
  const mode = f.mode;
  switch (event) {
    case 'ping':
      return { event: 'pong', now: new Date().toISOString() };
    case 'create_account': {
      if ([...s.accounts.values()].some((a) => a.email === String(b.email_address))) {
        return { event: 'account_creation_failed', reason: { email_address: 'This e-mail address is already taken.' } };
      }
      return { event: 'account_created', account_id: newAccount(f, String(b.email_address), String(b.password)) };
    }
    case 'user_search': {
      const found = [...s.accounts].find(([, a]) => a.email === String(b.query));
      return { event: 'user_search_results', results: found ? [{ account_id: found[0], first_name: 'Embed', last_name: 'x', email_address: found[1].email }] : [] };
    }
    case 'create_project':
      return { event: 'project_created', project_id: newProject(f, f.adminAccountId, typeof b.title === 'string' ? b.title : '', b.start === true) };
    case 'add_collaborator':
      s.projects.get(String(b.project_id))?.collaborators.add(String(b.account_id));
      return { event: 'success' };
    case 'write_text_file_to_project':
      s.projects.get(String(b.project_id))?.files.set(String(b.path), String(b.content));
      return { event: 'file_written_to_project' };
    case 'read_text_file_from_project': {
      const content = s.projects.get(String(b.project_id))?.files.get(String(b.path));
      return content === undefined ? { event: 'error', error: 'no such file' } : { event: 'text_file_read_from_project', content };
    }
    case 'project_exec': {
      const p = s.projects.get(String(b.project_id));
      if (p) p.running = true;
      return { event: 'project_exec_output', stdout: '', stderr: '', exit_code: 0 };
    }
    case 'user_auth': {
      if (!s.accounts.has(String(b.account_id))) return { event: 'error', error: 'incorrect password' };
      const token = mode === 'badtoken' ? 'short' : randomBytes(12).toString('hex');
      s.tokens.set(token, String(b.account_id));
      return { event: 'user_auth_token', auth_token: token };
    }
    default:
      return { event: 'error', error: `unknown endpoint '${event}'` };
  }
}

function modern(path: string, b: Record<string, unknown>, f: FakeCocalc, caller: string): unknown {
  const s = f.state;
  const mode = f.mode;
  if (path === '/api/conat/hub') {
    const args = (Array.isArray(b.args) ? b.args[0] : {}) as Record<string, unknown>;
    if (b.name === 'system.ping') return { now: Date.now() };
    if (b.name === 'org.expireToken') {
      s.expired.add(String(args.token));
      return null;
    }
    if (b.name === 'system.generateUserAuthToken') {
      if (!s.accounts.has(String(args.user_account_id))) return { error: 'no such account' };
      const token = mode === 'badtoken' ? { token: 'x' } : randomBytes(12).toString('hex');
      if (typeof token === 'string') s.tokens.set(token, String(args.user_account_id));
      return token;
    }
    return { error: `unknown ${String(b.name)}` };
  }
  if (path === '/api/conat/project') {
    const args = (Array.isArray(b.args) ? b.args[0] : {}) as Record<string, unknown>;
    const content = s.projects.get(String(b.project_id))?.files.get(String(args.path));
    return content ?? { error: 'no such file' };
  }
  switch (path.slice('/api/v2/'.length)) {
    case 'auth/sign-up': {
      // CoCalc: a sign-up with the e-mail and password of an existing account signs in instead.
      const existing = [...s.accounts].find(([, a]) => a.email === String(b.email));
      if (existing && existing[1].password === String(b.password)) return { account_id: existing[0] };
      if (existing) return { issues: { email: `Email address "${String(b.email)}" already in use.` } };
      return { account_id: newAccount(f, String(b.email), String(b.password)) };
    }
    case 'projects/create':
      return { project_id: newProject(f, caller, typeof b.title === 'string' ? b.title : '', false) };
    case 'projects/get':
      return [...s.projects]
        .filter(([, p]) => !p.deleted && p.collaborators.has(caller))
        .reverse()
        .slice(0, typeof b.limit === 'number' ? b.limit : 50)
        .map(([project_id, p]) => ({ project_id, title: p.title, description: '', name: null }));
    case 'projects/stop':
    case 'projects/delete': {
      const p = s.projects.get(String(b.project_id));
      if (!p || !p.collaborators.has(caller)) return { error: 'must be a collaborator to stop project' };
      p.running = false;
      if (path.endsWith('delete')) p.deleted = true;
      return { status: 'ok' };
    }
    case 'projects/collaborators/add':
      s.projects.get(String(b.project_id))?.collaborators.add(String(b.account_id));
      return { status: 'ok' };
    case 'projects/write-text-file':
      s.projects.get(String(b.project_id))?.files.set(String(b.path), String(b.content));
      return { status: 'ok' };
    case 'projects/start': {
      const p = s.projects.get(String(b.project_id));
      if (p) p.running = true;
      return { status: 'ok' };
    }
    default:
      return { error: 'not found' };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
