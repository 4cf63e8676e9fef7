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

/** A minimal CoCalc API stand-in for tests and the benchmark (NOT the emulator; no kiosk, no sign-in). */
export interface FakeCocalc {
  readonly url: string;
  readonly apiKey: string;
  readonly calls: FakeCall[];
  mode: FakeMode;
  latencyMs: number;
  /** Characters of filler before the quoted body in `echo-error` answers. */
  echoPadding: number;
  /** Accounts, projects (with collaborators, files, state) and tokens it knows. */
  readonly state: {
    accounts: Map<string, { password: string; email: string }>;
    projects: Map<string, { collaborators: Set<string>; files: Map<string, string>; running: boolean }>;
    tokens: Map<string, string>;
  };
  close(): Promise<void>;
}

/** Starts the fake on an ephemeral port speaking `generation`. */
export async function startFakeCocalc(options: { generation: 'classic' | 'modern'; apiKey?: string; latencyMs?: number }): Promise<FakeCocalc> {
  const apiKey = options.apiKey ?? `sk-${randomBytes(18).toString('hex').slice(0, 24)}`;
  const state: FakeCocalc['state'] = { accounts: new Map(), projects: new Map(), tokens: new Map() };
  const calls: FakeCall[] = [];
  let resetOnce = true;
  const fake = {
    url: '',
    apiKey,
    calls,
    mode: 'ok' as FakeMode,
    latencyMs: options.latencyMs ?? 0,
    echoPadding: 0,
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
      body = /urlencoded/.test(contentType ?? '') ? Object.fromEntries(new URLSearchParams(text)) : text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    const path = (req.url ?? '/').split('?')[0]!;
    calls.push({ path, body, authorization: req.headers.authorization, contentType });
    if (fake.latencyMs > 0) await sleep(fake.latencyMs);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
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
      return json(200, { id, ...v1(event, body, state, fake.mode) });
    }
    if (generation === 'modern' && (path.startsWith('/api/v2/') || path.startsWith('/api/conat/'))) {
      if (key !== apiKey) return json(200, { error: 'invalid api key' });
      if (fake.mode === 'error200') return json(200, { error: `something failed ${apiKey}` });
      if (fake.mode === 'echo-error') return json(200, { error: echo(body) });
      return json(200, modern(path, body, state, fake.mode));
    }
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html>Not found</html>');
  };

  const echo = (body: Record<string, unknown>) =>
    `misc.defaults -- TypeError: ${'x'.repeat(fake.echoPadding)} got (obj1=${JSON.stringify(body)}, obj2={})`;

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

function v1(event: string, b: Record<string, unknown>, s: FakeCocalc['state'], mode: FakeMode): Record<string, unknown> {
  switch (event) {
    case 'ping':
      return { event: 'pong', now: new Date().toISOString() };
    case 'create_account': {
      const account_id = randomUUID();
      s.accounts.set(account_id, { password: String(b.password), email: String(b.email_address) });
      return { event: 'account_created', account_id };
    }
    case 'create_project': {
      const project_id = randomUUID();
      s.projects.set(project_id, { collaborators: new Set(), files: new Map(), running: b.start === true });
      return { event: 'project_created', project_id };
    }
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

function modern(path: string, b: Record<string, unknown>, s: FakeCocalc['state'], mode: FakeMode): unknown {
  if (path === '/api/conat/hub') {
    const args = (Array.isArray(b.args) ? b.args[0] : {}) as Record<string, unknown>;
    if (b.name === 'system.ping') return { now: Date.now() };
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
      const account_id = randomUUID();
      s.accounts.set(account_id, { password: String(b.password), email: String(b.email) });
      return { account_id };
    }
    case 'projects/create': {
      const project_id = randomUUID();
      s.projects.set(project_id, { collaborators: new Set(), files: new Map(), running: false });
      return { project_id };
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
