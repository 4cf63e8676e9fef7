import type { EmulatorContext } from './emulator-context.js';

/**
 * In-process seeding helpers for tests (NOT CoCalc API): they act directly on the emulator's
 * storage, with no permission checks.
 */
export interface EmulatorAdmin {
  /** Creates an account; without a password it can never pass a password check. */
  createAccount(input?: { email?: string; firstName?: string; lastName?: string; password?: string }): Promise<{ accountId: string }>;
  /** Creates a stopped project owned by the account. */
  createProject(input: { ownerAccountId: string; title?: string }): Promise<{ projectId: string }>;
  addCollaborator(projectId: string, accountId: string): Promise<void>;
  writeFile(projectId: string, path: string, content: string): Promise<void>;
  readFile(projectId: string, path: string): Promise<string>;
  startProject(projectId: string): Promise<void>;
  stopProject(projectId: string): Promise<void>;
  /** Mints a 24-character auth token for the account (default TTL: the emulator's). */
  mintAuthToken(accountId: string, options?: { ttlSeconds?: number }): Promise<string>;
}

/** The {@link EmulatorAdmin} of one emulator. */
export function createEmulatorAdmin(ctx: EmulatorContext): EmulatorAdmin {
  const { store } = ctx;
  const requireAccount = (accountId: string) => {
    if (!store.account(accountId)) throw new Error(`no account ${accountId}`);
  };
  return {
    async createAccount(input = {}) {
      return { accountId: store.createAccount(input).account_id };
    },
    async createProject({ ownerAccountId, title }) {
      requireAccount(ownerAccountId);
      return { projectId: store.createProject(ownerAccountId, title ?? '').project_id };
    },
    async addCollaborator(projectId, accountId) {
      store.addCollaborator(projectId, accountId);
    },
    async writeFile(projectId, path, content) {
      store.writeFile(projectId, path, content);
    },
    async readFile(projectId, path) {
      return store.readFile(projectId, path);
    },
    async startProject(projectId) {
      store.setProjectState(projectId, 'running');
    },
    async stopProject(projectId) {
      store.setProjectState(projectId, 'opened');
    },
    async mintAuthToken(accountId, options = {}) {
      requireAccount(accountId);
      return store.createAuthToken(accountId, options.ttlSeconds ?? ctx.options.tokenTtlSeconds);
    },
  };
}
