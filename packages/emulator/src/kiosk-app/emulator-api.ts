import { joinBasePath } from './app-base-path.js';

/**
 * The emulator's stand-ins for the traffic CoCalc's frontend runs over its websocket/conat
 * connection (NOT CoCalc HTTP endpoints): who is signed in, a project's state, a file's content,
 * starting a project. All same-origin, with the `remember_me` cookie.
 */

/** A project as the signed-in account sees it. */
export interface ProjectInfo {
  readonly project_id: string;
  readonly title: string;
  /** `running`, or `opened` (CoCalc's name for a project that exists but is stopped). */
  readonly state: string;
}

/** An error from the emulator API, carrying the HTTP status and the server's message. */
export class EmulatorApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'Error';
  }
}

/** `GET /api/emulator/session` → the signed-in account id, or `null`. Network trouble ⇒ `null`. */
export async function fetchSessionAccountId(basePath: string): Promise<string | null> {
  try {
    const body = await getJson(basePath, '/api/emulator/session');
    const id = (body as { account_id?: unknown }).account_id;
    return typeof id === 'string' && id !== '' ? id : null;
  } catch {
    return null;
  }
}

/** `GET /api/emulator/projects/<pid>`; rejects with {@link EmulatorApiError} (403 when not a collaborator). */
export async function fetchProject(basePath: string, projectId: string): Promise<ProjectInfo> {
  const body = (await getJson(basePath, `/api/emulator/projects/${encodeURIComponent(projectId)}`)) as Partial<ProjectInfo>;
  return {
    project_id: String(body.project_id ?? projectId),
    title: typeof body.title === 'string' ? body.title : '',
    state: typeof body.state === 'string' ? body.state : 'opened',
  };
}

/** `GET /api/emulator/projects/<pid>/files?path=<p>` → the file's text; 404 rejects. */
export async function fetchFileContent(basePath: string, projectId: string, path: string): Promise<string> {
  const body = await getJson(
    basePath,
    `/api/emulator/projects/${encodeURIComponent(projectId)}/files?${new URLSearchParams({ path })}`,
  );
  const content = (body as { content?: unknown }).content;
  if (typeof content !== 'string') throw new EmulatorApiError(500, 'file content missing');
  return content;
}

/** `POST /api/emulator/projects/<pid>/start`: what the kiosk's "Start" button does (a user gesture). */
export async function startProject(basePath: string, projectId: string): Promise<void> {
  const response = await fetch(joinBasePath(basePath, `/api/emulator/projects/${encodeURIComponent(projectId)}/start`), {
    method: 'POST',
    credentials: 'same-origin',
  });
  if (!response.ok) throw new EmulatorApiError(response.status, await errorText(response));
}

async function getJson(basePath: string, path: string): Promise<unknown> {
  const response = await fetch(joinBasePath(basePath, path), { credentials: 'same-origin' });
  if (!response.ok) throw new EmulatorApiError(response.status, await errorText(response));
  return (await response.json()) as unknown;
}

async function errorText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown };
    const error = body.error;
    if (typeof error === 'string') return error;
    if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
  } catch {
    // not JSON: fall through to the status line
  }
  return `HTTP ${response.status}`;
}
