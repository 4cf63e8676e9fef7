import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { hashPassword, verifyPassword } from './password-hash.js';
import { randomKey } from './random-key.js';
import { secretDigest } from './secret-digest.js';

/** CoCalc's project states as the kiosk sees them: `running`, or `opened` (stopped). */
export type ProjectState = 'running' | 'opened';

/** One account. CoCalc's `accounts` table, reduced to what the emulator uses. */
export interface AccountRecord {
  readonly account_id: string;
  email_address: string | null;
  first_name: string;
  last_name: string;
  /** `null` = the account has no password (it can't pass a password check). */
  password_hash: string | null;
  /** `['admin']` for site admins. */
  groups: string[];
  /** Organization name (modern CoCalc's `org.*` calls), or null. */
  org: string | null;
  readonly created: number;
}

/** One project. `users` maps account_id to its group, as CoCalc's `projects.users` does. */
export interface ProjectRecord {
  readonly project_id: string;
  title: string;
  description: string;
  users: Record<string, 'owner' | 'collaborator'>;
  state: ProjectState;
  readonly created: number;
  /** Set by a delete: CoCalc only flags a project deleted (and stops it); the row stays. */
  deleted?: boolean;
}

interface ExpiringGrant {
  account_id: string;
  /** Epoch ms. */
  expire: number;
}

interface StoreState {
  version: 1;
  admin_account_id: string | null;
  accounts: Record<string, AccountRecord>;
  /** digest(api key) → account_id. */
  api_keys: Record<string, string>;
  /** digest(auth token) → grant. */
  auth_tokens: Record<string, ExpiringGrant>;
  /** digest(remember_me value) → grant. */
  remember_me: Record<string, ExpiringGrant>;
  projects: Record<string, ProjectRecord>;
  /** Organization name → its id (modern CoCalc's `org.*` calls); absent in older state files. */
  orgs?: Record<string, string>;
}

/** What {@link EmulatorStore.createAccount} takes. */
export interface NewAccount {
  email?: string | null | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  password?: string | null | undefined;
  groups?: string[] | undefined;
  org?: string | null | undefined;
}

/** An error whose message is meant to reach the API caller verbatim. */
export class StoreError extends Error {}

/**
 * The emulator's persistent state: accounts, API keys, auth tokens, sessions and projects in one
 * JSON file (`<dataDir>/state.json`, rewritten atomically: temp file + rename), and project files as
 * real files under `<dataDir>/projects/<project_id>/home/`. Secrets are stored only as SHA-256
 * digests; passwords as scrypt hashes. Everything survives a restart.
 */
export class EmulatorStore {
  private readonly statePath: string;
  private state: StoreState;

  /** Opens (or creates) the store in `dataDir`. */
  constructor(readonly dataDir: string) {
    mkdirSync(join(dataDir, 'projects'), { recursive: true });
    this.statePath = join(dataDir, 'state.json');
    this.state = existsSync(this.statePath)
      ? (JSON.parse(readFileSync(this.statePath, 'utf8')) as StoreState)
      : { version: 1, admin_account_id: null, accounts: {}, api_keys: {}, auth_tokens: {}, remember_me: {}, projects: {} };
  }

  // ---- accounts ------------------------------------------------------------------------------

  /** The site admin account that owns the configured admin API key; created on first start. */
  adminAccountId(): string {
    if (this.state.admin_account_id && this.state.accounts[this.state.admin_account_id]) {
      return this.state.admin_account_id;
    }
    const account = this.createAccount({ firstName: 'Admin', lastName: 'Emulator', groups: ['admin'] });
    this.state.admin_account_id = account.account_id;
    this.save();
    return account.account_id;
  }

  /** Creates an account. Throws {@link StoreError} when the e-mail address is taken. */
  createAccount(input: NewAccount): AccountRecord {
    const email = input.email ? input.email.trim().toLowerCase() : null;
    if (email && this.accountByEmail(email)) throw new StoreError('This e-mail address is already taken.');
    const account: AccountRecord = {
      account_id: randomUUID(),
      email_address: email,
      first_name: input.firstName ?? '',
      last_name: input.lastName ?? '',
      password_hash: input.password ? hashPassword(input.password) : null,
      groups: input.groups ?? [],
      org: input.org ?? null,
      created: Date.now(),
    };
    this.state.accounts[account.account_id] = account;
    this.save();
    return account;
  }

  /** The account with this id, if any. */
  account(accountId: unknown): AccountRecord | undefined {
    return typeof accountId === 'string' ? this.state.accounts[accountId.toLowerCase()] : undefined;
  }

  /** The account with this e-mail address (case-insensitive), if any. */
  accountByEmail(email: string): AccountRecord | undefined {
    const wanted = email.trim().toLowerCase();
    return Object.values(this.state.accounts).find((a) => a.email_address === wanted);
  }

  /** True for site admins (CoCalc's `groups` contains `admin`). */
  isAdmin(accountId: string): boolean {
    return this.account(accountId)?.groups.includes('admin') ?? false;
  }

  /** True when `password` is the account's password. Accounts without one never match. */
  isPasswordCorrect(accountId: string, password: string): boolean {
    const account = this.account(accountId);
    return !!account && password.length > 0 && verifyPassword(password, account.password_hash ?? undefined);
  }

  // ---- organizations ---------------------------------------------------------------------------

  /** Creates an organization and returns its id. Throws {@link StoreError} when the name is taken. */
  createOrg(name: string): string {
    const orgs = (this.state.orgs ??= {});
    if (orgs[name] !== undefined) throw new StoreError(`organization '${name}' already exists`);
    const id = randomUUID();
    orgs[name] = id;
    this.save();
    return id;
  }

  /** True when an organization of this name exists. */
  orgExists(name: string): boolean {
    return this.state.orgs?.[name] !== undefined;
  }

  /** Makes the account a member of the organization. */
  setAccountOrg(accountId: string, name: string): void {
    const account = this.account(accountId);
    if (!account) throw new StoreError(`no such user '${accountId}'`);
    account.org = name;
    this.save();
  }

  // ---- API keys --------------------------------------------------------------------------------

  /** Mints and remembers a new API key (`sk-` + 24 alphanumerics) for the account. */
  createApiKey(accountId: string): string {
    const key = `sk-${randomKey(24)}`;
    this.state.api_keys[secretDigest(key)] = accountId;
    this.save();
    return key;
  }

  /** The account an API key belongs to, if any. */
  accountForApiKey(key: string): string | undefined {
    return this.state.api_keys[secretDigest(key)];
  }

  // ---- auth tokens and sessions ----------------------------------------------------------------

  /** Mints a 24-character auth token for the account, valid for `ttlSeconds`, reusable until then. */
  createAuthToken(accountId: string, ttlSeconds: number): string {
    const token = randomKey(24);
    this.state.auth_tokens[secretDigest(token)] = { account_id: accountId, expire: Date.now() + ttlSeconds * 1000 };
    this.save();
    return token;
  }

  /** The account of an unexpired token (tokens are not consumed on use, as in CoCalc). */
  accountForAuthToken(token: string): string | undefined {
    const grant = this.state.auth_tokens[secretDigest(token)];
    return grant && grant.expire > Date.now() ? grant.account_id : undefined;
  }

  /** Expires a token now. Returns whether it existed. */
  expireAuthToken(token: string): boolean {
    const digest = secretDigest(token);
    const grant = this.state.auth_tokens[digest];
    if (!grant) return false;
    delete this.state.auth_tokens[digest];
    this.save();
    return true;
  }

  /** Creates a remember_me session and returns the opaque cookie value. */
  createSession(accountId: string, ttlSeconds: number): string {
    // CoCalc's value looks like `algo$iterations$salt$uuid`; any opaque value will do.
    const value = `emulator$1$${randomKey(16)}$${randomUUID()}`;
    this.state.remember_me[secretDigest(value)] = { account_id: accountId, expire: Date.now() + ttlSeconds * 1000 };
    this.save();
    return value;
  }

  /** The account of an unexpired remember_me value. */
  accountForSession(value: string): string | undefined {
    const grant = this.state.remember_me[secretDigest(value)];
    return grant && grant.expire > Date.now() ? grant.account_id : undefined;
  }

  // ---- projects --------------------------------------------------------------------------------

  /** Creates a stopped project owned by `ownerAccountId`, with an empty home folder. */
  createProject(ownerAccountId: string, title = '', description = ''): ProjectRecord {
    const project: ProjectRecord = {
      project_id: randomUUID(),
      title,
      description,
      users: { [ownerAccountId]: 'owner' },
      state: 'opened',
      created: Date.now(),
    };
    mkdirSync(this.homeDir(project.project_id), { recursive: true });
    this.state.projects[project.project_id] = project;
    this.save();
    return project;
  }

  /**
   * The account's projects (owner or collaborator), not deleted, newest first: what CoCalc's
   * `projects/get` lists (it orders by last edit; creation order stands in for that here).
   */
  projectsOf(accountId: string): ProjectRecord[] {
    return Object.values(this.state.projects)
      .filter((p) => p.users[accountId] !== undefined && p.deleted !== true)
      .sort((a, b) => b.created - a.created);
  }

  /** Flags a project deleted and stops it, as CoCalc's delete does. */
  deleteProject(projectId: string): void {
    const project = this.requireProject(projectId);
    project.state = 'opened';
    project.deleted = true;
    this.save();
  }

  /** Accounts whose first or last name starts with `prefix` (case-insensitive). */
  accountsByName(prefix: string): AccountRecord[] {
    const wanted = prefix.trim().toLowerCase();
    return Object.values(this.state.accounts).filter((a) => a.first_name.toLowerCase().startsWith(wanted) || a.last_name.toLowerCase().startsWith(wanted));
  }

  /** The project with this id, if any. */
  project(projectId: unknown): ProjectRecord | undefined {
    return typeof projectId === 'string' ? this.state.projects[projectId.toLowerCase()] : undefined;
  }

  /** True when the account is owner or collaborator, or a site admin (CoCalc lets admins in). */
  hasAccess(accountId: string, projectId: string): boolean {
    const project = this.project(projectId);
    if (!project) return false;
    return project.users[accountId] !== undefined || this.isAdmin(accountId);
  }

  /** True when the account is owner or collaborator (admins are not collaborators). */
  isCollaborator(accountId: string, projectId: string): boolean {
    return this.project(projectId)?.users[accountId] !== undefined;
  }

  /** Adds `accountId` as collaborator unless it is already on the project. */
  addCollaborator(projectId: string, accountId: string): void {
    const project = this.requireProject(projectId);
    if (!this.account(accountId)) throw new StoreError(`unknown account '${accountId}'`);
    project.users[accountId.toLowerCase()] ??= 'collaborator';
    this.save();
  }

  /** Sets a project's run state. */
  setProjectState(projectId: string, state: ProjectState): void {
    this.requireProject(projectId).state = state;
    this.save();
  }

  // ---- project files ---------------------------------------------------------------------------

  /** Writes a text file relative to the project's home, creating folders, overwriting files. */
  writeFile(projectId: string, path: string, content: string): void {
    const file = this.resolvePath(projectId, path);
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.${randomKey(8)}.tmp`;
    writeFileSync(temp, content, 'utf8');
    renameSync(temp, file);
  }

  /** Reads a text file relative to the project's home; throws ENOENT-style errors like Node. */
  readFile(projectId: string, path: string): string {
    const file = this.resolvePath(projectId, path);
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new StoreError(describeFsError(err, path));
    }
  }

  /** Entries of a folder relative to the project's home (folders get a trailing `/`). */
  listDir(projectId: string, path: string): string[] {
    const dir = this.resolvePath(projectId, path);
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((e) => !e.name.endsWith('.tmp'))
        .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
        .sort();
    } catch (err) {
      throw new StoreError(describeFsError(err, path));
    }
  }

  /** Whether `path` is a file, a folder, or missing. */
  pathKind(projectId: string, path: string): 'file' | 'dir' | 'missing' {
    const target = this.resolvePath(projectId, path);
    if (!existsSync(target)) return 'missing';
    return statSync(target).isDirectory() ? 'dir' : 'file';
  }

  /** Copies a file or folder (recursively) from one project to another. */
  copyPath(srcProjectId: string, srcPath: string, targetProjectId: string, targetPath: string): void {
    const from = this.resolvePath(srcProjectId, srcPath);
    const to = this.resolvePath(targetProjectId, targetPath);
    if (!existsSync(from)) throw new StoreError(`ENOENT: no such file or directory, stat '${srcPath}'`);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true, force: true });
  }

  private requireProject(projectId: string): ProjectRecord {
    const project = this.project(projectId);
    if (!project) throw new StoreError(`no project with id '${projectId}'`);
    return project;
  }

  private homeDir(projectId: string): string {
    return join(this.dataDir, 'projects', projectId.toLowerCase(), 'home');
  }

  /**
   * The absolute file for a path relative to the project's home. CoCalc's project would follow
   * `..` or absolute paths inside the user's own container; the emulator shares one disk, so it
   * refuses anything that would leave the home folder.
   */
  private resolvePath(projectId: string, path: string): string {
    const project = this.requireProject(projectId);
    const home = this.homeDir(project.project_id);
    if (path.includes('\0')) throw new StoreError(`invalid path '${path.replace(/\0/g, '\\0')}'`);
    const target = resolve(home, path);
    const rel = relative(home, target);
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
      throw new StoreError(`path '${path}' is outside the project's home directory`);
    }
    return target;
  }

  private save(): void {
    const now = Date.now();
    for (const table of [this.state.auth_tokens, this.state.remember_me]) {
      for (const [digest, grant] of Object.entries(table)) if (grant.expire <= now) delete table[digest];
    }
    const temp = `${this.statePath}.${process.pid}.${randomKey(8)}.tmp`;
    writeFileSync(temp, JSON.stringify(this.state, null, 1), 'utf8');
    renameSync(temp, this.statePath);
  }
}

function describeFsError(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `ENOENT: no such file or directory, open '${path}'`;
  if (code === 'EISDIR') return `EISDIR: illegal operation on a directory, read`;
  if (code === 'ENOTDIR') return `ENOTDIR: not a directory, scandir '${path}'`;
  return `${code ?? 'EIO'}: could not access '${path}'`;
}
