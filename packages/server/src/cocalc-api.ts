/** Which HTTP API a CoCalc server speaks: `v1` (≤ 2025-05) or `modern` (`/api/v2` + `/api/conat/*`). */
export type ApiGeneration = 'v1' | 'modern';

/** Inputs of {@link CocalcApi.createAccount}. */
export interface NewAccount {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  /** A random strong password the backend stores; CoCalc wants 6–64 characters. */
  readonly password: string;
}

/** Inputs of {@link CocalcApi.copyPath}. */
export interface CopyPathRequest {
  readonly srcProjectId: string;
  readonly srcPath: string;
  readonly targetProjectId: string;
  readonly targetPath?: string;
}

/** One project as `projects/get` lists it. */
export interface ProjectSummary {
  readonly projectId: string;
  readonly title: string;
}

/** A CoCalc session of one user (its `remember_me` cookie). A secret: never logged. */
export interface UserSession {
  /** `name=value` of the session cookie, ready for a `Cookie` header. */
  readonly cookie: string;
}

/**
 * The jobs provisioning and minting need, independent of API generation. Both
 * {@link CocalcV1Client} and {@link CocalcModernClient} implement it; every method throws
 * `UpstreamError` on failure.
 */
export interface CocalcApi {
  /** The API generation this client speaks. */
  readonly generation: ApiGeneration;
  /**
   * Creates a CoCalc account with the admin key; resolves to its `account_id`. Repeating the call
   * with the same e-mail and password resolves to the account the first call made (current CoCalc
   * signs the caller in instead; on API v1 the taken address is looked up with `user_search`), so
   * a retry after a crash creates nothing.
   */
  createAccount(account: NewAccount): Promise<string>;
  /** The API key's account's projects (`projects/get`), most recently edited first; or a signed-in user's. */
  listProjects(options?: { session?: UserSession; limit?: number }): Promise<ProjectSummary[]>;
  /** Signs in as a user with e-mail and password (`auth/sign-in`); the session acts as that user. */
  signIn(email: string, password: string): Promise<UserSession>;
  /** Stops a project (`projects/stop`; the caller must be a collaborator, so pass the owner's session). */
  stopProject(projectId: string, session?: UserSession): Promise<void>;
  /** Deletes a project (`projects/delete`: stops it and sets CoCalc's `deleted` flag). */
  deleteProject(projectId: string, session?: UserSession): Promise<void>;
  /** Creates a project owned by the API key's account; resolves to its `project_id`. */
  createProject(title: string, description?: string): Promise<string>;
  /** Adds `accountId` as a collaborator of `projectId`. */
  addCollaborator(projectId: string, accountId: string): Promise<void>;
  /** Writes (creating folders, overwriting) a text file in a project. */
  writeTextFile(projectId: string, path: string, content: string): Promise<void>;
  /** Copies a file or folder between projects (template projects). */
  copyPath(request: CopyPathRequest): Promise<void>;
  /** Starts a project (CoCalc never starts one because someone looks at it, cocalc#5452). */
  startProject(projectId: string): Promise<void>;
  /**
   * Mints a 24-character auth token for `accountId`. `password` is the target's password, or `""`
   * when the API key belongs to an admin (docs/cocalc-protocol.md#auth-tokens).
   */
  mintAuthToken(accountId: string, password: string): Promise<string>;
  /**
   * Makes a token unusable before its expiry, where the API can (`org.expireToken` on current
   * CoCalc). Resolves `false` when this API generation has no way to (API v1 exposed none).
   */
  revokeAuthToken(token: string): Promise<boolean>;
}
