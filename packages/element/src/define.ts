import { CocalcNotebookElement } from './cocalc-notebook-element.js';

/** The tag `<cocalc-notebook>` is registered under by default. */
export const COCALC_NOTEBOOK_TAG = 'cocalc-notebook';

/**
 * Registers {@link CocalcNotebookElement} as `tag` in `registry`, once. When the tag is already
 * taken by another class (two copies of the library on one page) it warns instead of throwing, so
 * the page keeps working with the first copy. Does nothing where no registry exists (server rendering).
 */
export function defineCocalcNotebook(
  tag: string = COCALC_NOTEBOOK_TAG,
  registry: CustomElementRegistry | undefined = globalThis.customElements,
): typeof CocalcNotebookElement | undefined {
  if (!registry) return undefined;
  const existing = registry.get(tag);
  if (existing === undefined) {
    // A subclass per extra tag: one class cannot be defined twice in a registry.
    registry.define(tag, tag === COCALC_NOTEBOOK_TAG ? CocalcNotebookElement : class extends CocalcNotebookElement {});
  } else if (existing !== CocalcNotebookElement && !(existing.prototype instanceof CocalcNotebookElement)) {
    console.warn(`<${tag}> is already defined by another class (another copy of @cocalc-embed/element?); keeping it.`);
  }
  return registry.get(tag) as typeof CocalcNotebookElement | undefined;
}

defineCocalcNotebook();

declare global {
  interface HTMLElementTagNameMap {
    'cocalc-notebook': CocalcNotebookElement;
  }
}
