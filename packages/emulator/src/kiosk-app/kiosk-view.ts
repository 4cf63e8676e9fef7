import type { KioskState } from './kiosk-state.js';
import { renderMarkdown } from './render-markdown.js';
import { renderNotebook } from './render-notebook.js';

/** What the kiosk currently knows about one open file. */
export type FileDocument =
  | { readonly kind: 'loading' }
  | { readonly kind: 'stopped'; readonly start: () => Promise<void> }
  | { readonly kind: 'loaded'; readonly content: string }
  | { readonly kind: 'error'; readonly message: string };

/**
 * The kiosk UI (`kiosk-mode-banner.tsx` + the editor area in CoCalc): with nothing open, or nobody
 * signed in, only the banner with the site name; otherwise the foreground file's editor, without
 * tabs, file browser or project bar. Read-only editors: `.ipynb` as cells, `.md` as Markdown,
 * anything else as plain text. A stopped project shows a "not running" prompt with a Start
 * button — CoCalc never starts a project because someone looks at it (sagemathinc/cocalc#5452).
 */
export class KioskView {
  private readonly documents = new Map<string, FileDocument>();
  private signedIn = false;
  private alertText = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly state: KioskState,
    private readonly siteName: string,
    private readonly onRefusedLink: (path: string) => void,
  ) {
    state.onChange(() => this.render());
  }

  /** Whether an account is signed in; signed out always shows only the banner. */
  setSignedIn(signedIn: boolean): void {
    this.signedIn = signedIn;
    this.render();
  }

  /** Sets what to show for an open file. */
  setDocument(projectId: string, path: string, document: FileDocument): void {
    this.documents.set(key(projectId, path), document);
    this.render();
  }

  /** Shows a transient error line (CoCalc's `alert_message({type:"error"})`); empty hides it. */
  showAlert(text: string): void {
    this.alertText = text;
    this.render();
  }

  /** Redraws everything from state; small enough that diffing is not worth it. */
  render(): void {
    const doc = this.root.ownerDocument;
    const parts: Node[] = [];
    if (this.alertText) {
      const alert = doc.createElement('div');
      alert.className = 'kiosk-alert';
      alert.setAttribute('role', 'alert');
      alert.textContent = this.alertText;
      parts.push(alert);
    }
    const front = this.state.foreground;
    const document = front ? this.documents.get(key(front.projectId, front.path)) : undefined;
    if (!this.signedIn || !front || !document) {
      parts.push(this.banner(doc));
    } else {
      parts.push(this.editor(doc, front.path, document));
    }
    this.root.replaceChildren(...parts);
  }

  private banner(doc: Document): HTMLElement {
    const header = doc.createElement('header');
    header.className = 'kiosk-banner';
    const box = doc.createElement('div');
    const h1 = doc.createElement('h1');
    h1.textContent = this.siteName;
    const note = doc.createElement('p');
    note.textContent = 'Kiosk mode';
    box.append(h1, note);
    header.appendChild(box);
    return header;
  }

  private editor(doc: Document, path: string, document: FileDocument): HTMLElement {
    const main = doc.createElement('main');
    main.className = 'kiosk-editor';
    main.setAttribute('aria-labelledby', 'kiosk-file-title');
    const header = doc.createElement('header');
    const title = doc.createElement('h1');
    title.id = 'kiosk-file-title';
    title.textContent = path;
    header.appendChild(title);
    main.appendChild(header);
    main.appendChild(this.body(doc, path, document));
    return main;
  }

  private body(doc: Document, path: string, document: FileDocument): HTMLElement {
    switch (document.kind) {
      case 'loading': {
        const p = doc.createElement('p');
        p.setAttribute('role', 'status');
        p.textContent = 'Loading…';
        return p;
      }
      case 'error': {
        const p = doc.createElement('p');
        p.className = 'kiosk-alert';
        p.setAttribute('role', 'alert');
        p.textContent = document.message;
        return p;
      }
      case 'stopped':
        return this.stoppedPrompt(doc, path, document.start);
      case 'loaded':
        return this.fileContent(doc, path, document.content);
    }
  }

  private stoppedPrompt(doc: Document, path: string, start: () => Promise<void>): HTMLElement {
    const section = doc.createElement('section');
    section.className = 'project-stopped';
    section.setAttribute('aria-labelledby', 'kiosk-project-stopped');
    const h2 = doc.createElement('h2');
    h2.id = 'kiosk-project-stopped';
    h2.textContent = 'Project is not running';
    const p = doc.createElement('p');
    p.textContent = `Start this project to open ${path}.`;
    const button = doc.createElement('button');
    button.type = 'button';
    button.textContent = 'Start project';
    button.addEventListener('click', () => {
      button.disabled = true;
      button.textContent = 'Starting…';
      void start();
    });
    section.append(h2, p, button);
    return section;
  }

  private fileContent(doc: Document, path: string, content: string): HTMLElement {
    const lower = path.toLowerCase();
    let body: HTMLElement;
    try {
      if (lower.endsWith('.ipynb')) {
        body = renderNotebook(content, doc);
      } else if (lower.endsWith('.md')) {
        body = doc.createElement('div');
        body.className = 'markdown-document';
        body.appendChild(renderMarkdown(content, doc));
      } else {
        body = doc.createElement('div');
        body.className = 'text-document';
        const pre = doc.createElement('pre');
        pre.textContent = content;
        body.appendChild(pre);
      }
    } catch (err) {
      body = doc.createElement('p');
      body.className = 'kiosk-alert';
      body.setAttribute('role', 'alert');
      body.textContent = String(err);
      return body;
    }
    // Kiosk mode refuses to open other files from the UI: relative links inside a document are
    // intercepted (CoCalc's open-file.ts); web links open in a new tab (set by the sanitizer).
    body.addEventListener('click', (event) => {
      const anchor = (event.target as Element | null)?.closest?.('a');
      if (!anchor) return;
      const href = anchor.getAttribute('href') ?? '';
      if (/^(https?:|mailto:)/i.test(href) || href.startsWith('#')) return;
      event.preventDefault();
      this.onRefusedLink(href);
    });
    return body;
  }
}

function key(projectId: string, path: string): string {
  return `${projectId}\u0000${path}`;
}
