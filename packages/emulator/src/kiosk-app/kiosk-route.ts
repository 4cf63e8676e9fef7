import { isValidUuid } from '@cocalc-embed/protocol';

/** A parsed in-app route, as far as kiosk mode cares. */
export interface KioskRoute {
  /** The project named by a `projects/<pid>/…` route, when its id is a valid UUID. */
  readonly projectId: string | undefined;
  /** The file named by `projects/<pid>/files/<path>`, relative to the project home. */
  readonly path: string | undefined;
}

/**
 * CoCalc's `parse_target` as used by `init_query_params` in kiosk mode: a `projects/<pid>` route
 * sets `kiosk_project_id` (the first 36 characters, if a valid UUID), and
 * `projects/<pid>/files/<path>` names the file to open. Anything else names nothing.
 */
export function parseKioskRoute(target: string): KioskRoute {
  const segments = target.split('/');
  if (segments[0] !== 'projects') return { projectId: undefined, path: undefined };
  const projectId = (segments[1] ?? '').slice(0, 36);
  if (!isValidUuid(projectId)) return { projectId: undefined, path: undefined };
  if (segments[2] !== 'files') return { projectId, path: undefined };
  const path = segments.slice(3).join('/');
  return { projectId, path: path === '' || path.endsWith('/') ? undefined : path };
}
