/** A site user's CoCalc account, as the backend created it. */
export interface AccountRecord {
  /** Normalised CoCalc base URL the account lives on (mappings never cross servers). */
  readonly site: string;
  /** The host site's user id (from `authenticate`). */
  readonly userId: string;
  /** CoCalc `account_id`. */
  readonly accountId: string;
  /** The random password the account was created with (needed for non-admin `user_auth`). */
  readonly password: string;
  /** E-mail address the account was created with. */
  readonly email: string;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** A project the backend created for a site user. */
export interface ProjectRecord {
  readonly site: string;
  readonly userId: string;
  /** Which project of the user: `default`, a page-given project name, or a notebook key. */
  readonly projectKey: string;
  /** CoCalc `project_id`. */
  readonly projectId: string;
  /** Epoch ms when the template was fully copied in, or `null` while not yet. */
  readonly seededAt: number | null;
  /** Epoch ms of the last successful start request, or `null`. */
  readonly startedAt: number | null;
  /** Epoch ms. */
  readonly createdAt: number;
}

/**
 * Where the backend keeps its user → CoCalc mapping. Async so that a networked store (PostgreSQL)
 * can implement it; {@link SqliteEmbedStore} is the shipped one. Writes of records are
 * insert-if-absent and return the record that won, so two backends racing agree.
 */
export interface EmbedStore {
  /** The user's account on `site`, if one was created. */
  getAccount(site: string, userId: string): Promise<AccountRecord | undefined>;
  /** Inserts unless a record for (site, userId) exists; resolves with the stored record. */
  putAccount(record: AccountRecord): Promise<AccountRecord>;
  /** The user's project `projectKey` on `site`, if one was created. */
  getProject(site: string, userId: string, projectKey: string): Promise<ProjectRecord | undefined>;
  /** Inserts unless a record for (site, userId, projectKey) exists; resolves with the stored record. */
  putProject(record: ProjectRecord): Promise<ProjectRecord>;
  /** Records that the template was fully copied into the project. */
  markSeeded(site: string, userId: string, projectKey: string, at: number): Promise<void>;
  /** Records a successful project start. */
  markStarted(site: string, userId: string, projectKey: string, at: number): Promise<void>;
  /** Counts, for health output and tests. */
  counts(): Promise<{ accounts: number; projects: number }>;
  /** Releases the connection. */
  close(): Promise<void>;
}
