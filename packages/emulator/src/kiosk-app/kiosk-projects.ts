import { fetchFileContent, fetchProject, startProject, type ProjectInfo } from './emulator-api.js';
import type { KioskState } from './kiosk-state.js';
import type { KioskView } from './kiosk-view.js';
import { logOpen, logOpenLoadTime, type ParentWindow } from './project-log.js';

/**
 * The kiosk's stand-in for CoCalc's `projects` actions and per-project `ProjectActions`: open a
 * project (load its record — in kiosk mode only that one project), open a file in it, start it.
 */
export class KioskProjects {
  private readonly projects = new Map<string, ProjectInfo>();

  constructor(
    private readonly basePath: string,
    private readonly state: KioskState,
    private readonly view: KioskView,
    private readonly parent: ParentWindow | null,
  ) {}

  /**
   * `projects.open_project({project_id})` followed by `redux.getProjectActions(project_id)`:
   * resolves `true` when project actions exist. In CoCalc's kiosk mode only the kiosk project's
   * row is loaded into the projects table, and a project the signed-in account is not a
   * collaborator on (or any project, when nobody is signed in) never appears there, so CoCalc has
   * no usable project for it. The emulator's 403/404 from the project endpoint is that case, and
   * `problem opening project <id>` is CoCalc's reply when the project actions are missing — the
   * closest real equivalent (real CoCalc may instead hang; it never says "permission denied").
   */
  async openProject(projectId: string): Promise<boolean> {
    try {
      this.projects.set(projectId, await fetchProject(this.basePath, projectId));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * `actions.open_file({path, foreground:true, ignore_kiosk:true, …})`, in CoCalc's order: the file
   * becomes the foreground tab and is listed in `open_files`, the project-log `open` entry is
   * posted, and this resolves (⇒ the bridge's `done`) without waiting for the content. The editor
   * then loads it; when it shows, the load-time update of the same log entry is posted. A file that
   * cannot be shown (missing, a broken notebook) shows an error in the kiosk and gets no load-time
   * update; the bridge has already said `done`, as CoCalc does. A stopped project shows the "not
   * running" prompt: CoCalc's `open_file` does not start a project.
   */
  async openFile(projectId: string, path: string): Promise<void> {
    const project = this.projects.get(projectId) ?? (await fetchProject(this.basePath, projectId));
    const started = performance.now();
    const logId = logOpen(this.parent, projectId, path);
    this.state.open(projectId, path);
    if (project.state !== 'running') {
      this.view.setDocument(projectId, path, {
        kind: 'stopped',
        start: () => this.startAndLoad(projectId, path, logId, started),
      });
      return;
    }
    this.view.setDocument(projectId, path, { kind: 'loading' });
    void this.show(projectId, path, logId, started);
  }

  private async show(projectId: string, path: string, logId: string, started: number): Promise<void> {
    try {
      const content = await this.load(projectId, path);
      this.view.setDocument(projectId, path, { kind: 'loaded', content });
      logOpenLoadTime(this.parent, projectId, logId, performance.now() - started);
    } catch (err) {
      this.view.setDocument(projectId, path, { kind: 'error', message: String(err) });
    }
  }

  private async load(projectId: string, path: string): Promise<string> {
    const content = await fetchFileContent(this.basePath, projectId, path);
    if (path.toLowerCase().endsWith('.ipynb')) JSON.parse(content); // a broken notebook fails the open
    return content;
  }

  // The Start button: a user gesture, the only way a kiosk starts a project.
  private async startAndLoad(projectId: string, path: string, logId: string, started: number): Promise<void> {
    try {
      await startProject(this.basePath, projectId);
    } catch (err) {
      this.view.setDocument(projectId, path, { kind: 'error', message: String(err) });
      return;
    }
    const project = this.projects.get(projectId);
    if (project) this.projects.set(projectId, { ...project, state: 'running' });
    this.view.setDocument(projectId, path, { kind: 'loading' });
    await this.show(projectId, path, logId, started);
  }
}
