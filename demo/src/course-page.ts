/**
 * The course page: one notebook, host buttons made only of data-cocalc-* attributes, and a live
 * panel of what the element reports.
 */
import type { CocalcNotebookElement } from '@cocalc-embed/element';
import { wireDiagnoseButton } from './diagnosis-list.js';
import { EventPanel } from './event-panel.js';
import { setUpPage } from './page-chrome.js';

const nb = document.querySelector<CocalcNotebookElement>('cocalc-notebook#nb')!;
const panel = new EventPanel(document.querySelector('#events')!);
wireDiagnoseButton(document.querySelector<HTMLButtonElement>('#diagnose')!, document.querySelector('#diagnosis')!, nb);
panel.watch(nb, 'nb');
nb.addEventListener('cocalc-state-change', (event) => {
  document.querySelector('#nb-state')!.textContent = event.state;
});
// The status button reports CoCalc's reply on itself; show it as text.
document.addEventListener('cocalc-control-result', (event) => {
  if (event.action !== 'status') return;
  if (event.error) {
    panel.add('error', `status: ${event.error.code}: ${event.error.message}`);
    return;
  }
  document.querySelector('#status-output')!.textContent = JSON.stringify(event.status, null, 2);
  const paths = Object.values(event.status?.openFiles ?? {}).flat();
  panel.add('status', paths.length ? `open: ${paths.join(', ')}` : 'no files open');
});

// Sign the demo user in to this site first; the element is defined (and asks the backend for a
// token) only afterwards. A real site is signed in before its page loads.
await setUpPage();
await import('@cocalc-embed/element');
await import('@cocalc-embed/element/controls');
