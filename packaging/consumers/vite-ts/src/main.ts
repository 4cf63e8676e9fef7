// A page author's TypeScript: the element's tag name map and event map type everything below
// without a single cast.
import '@cocalc-embed/element';
import type { CocalcNotebookElement, CocalcReadyEvent, CocalcStateChangeEvent, NotebookState } from '@cocalc-embed/element';
import type { KioskController } from '@cocalc-embed/controller';

const notebook: CocalcNotebookElement = document.createElement('cocalc-notebook');
notebook.path = 'intro.ipynb';

notebook.addEventListener('cocalc-state-change', (event) => {
  const change: CocalcStateChangeEvent = event;
  const state: NotebookState = change.state;
  document.body.dataset.state = state;
});
notebook.addEventListener('cocalc-ready', (event) => {
  const ready: CocalcReadyEvent = event;
  document.body.dataset.projectId = ready.projectId;
  document.body.dataset.ready = 'yes';
});
notebook.addEventListener('cocalc-error', (event) => {
  document.body.dataset.error = event.error.code;
});
document.querySelector('main')!.append(notebook);

const found = document.querySelector('cocalc-notebook');
void found?.ready.then((controller: KioskController) => {
  document.body.dataset.controllerState = controller.state;
});

/** Never called: each line must fail to compile, or the typing above is `any` in disguise. */
export function typingIsReal(el: CocalcNotebookElement): void {
  // @ts-expect-error `path` is a string
  el.path = 42;
  el.addEventListener('cocalc-ready', (event) => {
    // @ts-expect-error a ready event has no `error`
    void event.error;
  });
  // @ts-expect-error there is no such method
  void el.openEverything();
}
