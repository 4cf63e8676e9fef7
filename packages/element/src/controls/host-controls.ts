import { CocalcError } from '@cocalc-embed/protocol';
import type { KioskStatus } from '@cocalc-embed/controller';
import type { CocalcNotebookElement } from '../cocalc-notebook-element.js';
import { CocalcControlResultEvent, CONTROL_ACTIONS, type ControlAction } from '../events/cocalc-control-result-event.js';
import { asCocalcError } from '../as-cocalc-error.js';

/** Selector of every host control. */
const CONTROL_SELECTOR = '[data-cocalc-for][data-cocalc-action]';

/** The element API a control needs; duck-typed so controls work with any registered tag or copy. */
type ControlTarget = Pick<CocalcNotebookElement, 'state' | 'openFiles' | 'open' | 'close' | 'closeAll' | 'status' | 'reload'> &
  HTMLElement;

/**
 * What each control action does, once: keyed by {@link ControlAction}, so an action added to
 * CONTROL_ACTIONS does not compile until it has an entry here. `status` also hands back its answer.
 */
const RUN: { readonly [A in ControlAction]: (target: ControlTarget, path: string) => Promise<unknown> } = {
  open: (target, path) => target.open(path),
  close: (target, path) => target.close(path),
  closeall: (target) => target.closeAll(),
  status: (target) => target.status(),
  reload: (target) => target.reload(),
};

/**
 * Makes `<button data-cocalc-for="nb" data-cocalc-action="open|close|closeall|status|reload"
 * data-cocalc-path="…">` work without script: one delegated click listener on `doc`, buttons
 * disabled until their target is ready, `aria-pressed` on open/close buttons whose file is open,
 * and a `cocalc-control-result` event on the button when its action settles. Returns a stop function.
 */
export function startHostControls(doc: Document = document): () => void {
  const abort = new AbortController();
  const { signal } = abort;

  doc.addEventListener('click', (event) => void onClick(event), { signal });
  // Element events bubble and are composed, so the document hears every notebook, even in shadow roots.
  for (const type of ['cocalc-state-change', 'cocalc-files-change', 'cocalc-file-opened'] as const) {
    doc.addEventListener(type, (event) => syncFor(event.composedPath()[0] as Element), { signal });
  }

  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches(CONTROL_SELECTOR)) syncButton(node as HTMLElement);
        for (const button of node.querySelectorAll<HTMLElement>(CONTROL_SELECTOR)) syncButton(button);
        if (node.id && isTarget(node)) syncFor(node);
      }
    }
  });
  const begin = (): void => {
    observer.observe(doc.documentElement, { childList: true, subtree: true });
    for (const button of doc.querySelectorAll<HTMLElement>(CONTROL_SELECTOR)) syncButton(button);
  };
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', begin, { once: true, signal });
  else begin();

  return () => {
    abort.abort();
    observer.disconnect();
  };

  async function onClick(event: Event): Promise<void> {
    const button = event.composedPath().find((node): node is HTMLElement => node instanceof HTMLElement && node.matches(CONTROL_SELECTOR));
    if (!button || isDisabled(button)) return;
    const action = button.dataset.cocalcAction as ControlAction;
    if (!(CONTROL_ACTIONS as readonly string[]).includes(action)) {
      console.warn(`data-cocalc-action="${action}" is not one of ${CONTROL_ACTIONS.join(', ')}.`);
      return;
    }
    const target = findTarget(button);
    if (!target) {
      button.dispatchEvent(
        new CocalcControlResultEvent(action, undefined, new CocalcError('INVALID_ARGUMENT', `No <cocalc-notebook id="${button.dataset.cocalcFor}">.`)),
      );
      return;
    }
    let status: KioskStatus | undefined;
    let failure: CocalcError | undefined;
    try {
      const result = await RUN[action](target, button.dataset.cocalcPath ?? '');
      if (action === 'status') status = result as KioskStatus;
    } catch (error) {
      failure = asCocalcError(error);
    }
    syncFor(target);
    button.dispatchEvent(new CocalcControlResultEvent(action, status, failure));
  }

  function syncFor(target: Element | undefined): void {
    if (!target || !target.id || !isTarget(target)) return;
    const selector = `[data-cocalc-for="${CSS.escape(target.id)}"][data-cocalc-action]`;
    const roots = new Set<Document | ShadowRoot>([doc, target.getRootNode() as Document | ShadowRoot]);
    for (const root of roots) {
      for (const button of root.querySelectorAll<HTMLElement>(selector)) applyState(button, target);
    }
  }

  function syncButton(button: HTMLElement): void {
    const target = findTarget(button);
    applyState(button, target);
  }

  function findTarget(button: HTMLElement): ControlTarget | undefined {
    const id = button.dataset.cocalcFor;
    if (!id) return undefined;
    const root = button.getRootNode() as Document | ShadowRoot;
    const found = (typeof root.getElementById === 'function' ? root.getElementById(id) : null) ?? doc.getElementById(id);
    return found && isTarget(found) ? found : undefined;
  }
}

function isTarget(node: Element): node is ControlTarget {
  const candidate = node as Partial<ControlTarget>;
  return typeof candidate.open === 'function' && typeof candidate.status === 'function' && 'openFiles' in candidate;
}

function applyState(button: HTMLElement, target: ControlTarget | undefined): void {
  // reload also rescues an element in the error state; everything else needs a ready kiosk.
  const action = button.dataset.cocalcAction;
  const usable = target !== undefined && (target.state === 'ready' || (action === 'reload' && target.state === 'error'));
  if (button instanceof HTMLButtonElement) button.disabled = !usable;
  else button.setAttribute('aria-disabled', String(!usable));
  const path = button.dataset.cocalcPath;
  if ((action === 'open' || action === 'close') && path) {
    button.setAttribute('aria-pressed', String(target !== undefined && target.openFiles.includes(path)));
  }
}

function isDisabled(button: HTMLElement): boolean {
  return (button instanceof HTMLButtonElement && button.disabled) || button.getAttribute('aria-disabled') === 'true';
}
