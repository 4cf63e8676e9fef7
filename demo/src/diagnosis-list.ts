import type { CocalcNotebookElement } from '@cocalc-embed/element';

/**
 * Wires a "Diagnose" button: it asks `diagnose(el)` for the usual causes of trouble and lists
 * them (as text) in `list`, one `<li data-id>` per finding.
 */
export function wireDiagnoseButton(button: HTMLButtonElement, list: HTMLElement, el: CocalcNotebookElement): void {
  button.addEventListener('click', () => void showFindings());
  async function showFindings(): Promise<void> {
    // Loaded on demand: its texts cost nothing until someone asks.
    const { diagnose } = await import('@cocalc-embed/element/diagnose');
    const findings = await diagnose(el);
    list.replaceChildren(
      ...findings.map((finding) => {
        const li = document.createElement('li');
        li.dataset.id = finding.id;
        li.dataset.severity = finding.severity;
        li.textContent = `${finding.severity}: ${finding.message}`;
        return li;
      }),
    );
  }
}
