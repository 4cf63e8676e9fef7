/**
 * Why a request may not get a (new) project: `PROJECT_LIMIT` when the user already has
 * `COCALC_EMBED_MAX_PROJECTS_PER_USER` projects, `PROJECT_NOT_ALLOWED` when the page asked for a
 * project name outside `COCALC_EMBED_PROJECT_NAMES`. Both are answered 403 and are not retryable.
 */
export class ProjectRefusedError extends Error {
  /** The backend error code the token endpoint answers with. */
  readonly code: 'PROJECT_LIMIT' | 'PROJECT_NOT_ALLOWED';

  constructor(code: 'PROJECT_LIMIT' | 'PROJECT_NOT_ALLOWED', message: string) {
    super(message);
    this.name = 'ProjectRefusedError';
    this.code = code;
  }
}
