import { CocalcError } from './cocalc-error.js';

/** Longest path we accept; CoCalc has no lower limit of its own that we know of, Linux has 4096. */
export const MAX_PATH_LENGTH = 4096;

/**
 * Why `path` is not a usable file path relative to a project's home, or `undefined` when it is.
 * We refuse what would make a broken kiosk URL or could escape the home folder: empty paths,
 * absolute paths, empty, `.` or `..` segments, and control characters.
 */
export function projectPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  if (path.length === 0) return 'must not be empty';
  if (path.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'must not contain control characters';
  if (path.startsWith('/')) return 'must be relative to the project home (no leading "/")';
  for (const segment of path.split('/')) {
    if (segment === '') return 'must not contain empty segments ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'must not contain "." or ".." segments';
  }
  return undefined;
}

/** Throws `INVALID_ARGUMENT` naming the problem unless `path` is a usable project path. */
export function assertProjectPath(path: unknown, what = 'path'): asserts path is string {
  const problem = projectPathProblem(path);
  if (problem) {
    throw new CocalcError('INVALID_ARGUMENT', `${what} ${problem} (got ${describe(path)})`, { details: { field: what } });
  }
}

/** Encodes a project path segment by segment, so `/` stays a separator and everything else is escaped. */
export function encodeProjectPath(path: string): string {
  assertProjectPath(path);
  return path.split('/').map(encodeURIComponent).join('/');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return value === null ? 'null' : typeof value;
}
