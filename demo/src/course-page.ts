/**
 * The course page: one notebook, host buttons made only of data-cocalc-* attributes, and a live
 * panel of what the element reports.
 */
import { EventPanel } from './event-panel.js';
import { setUpPage } from './page-chrome.js';

const nb = document.querySelector('cocalc-notebook#nb')!;
const panel = new EventPanel(document.querySelector('#events')!);
panel.watch(nb as HTMLElement, 'nb');
nb.addEventListener('cocalc-state-change', () => {
  document.querySelector('#nb-state')!.textContent = (nb as HTMLElement & { state: string }).state;
});
// The status button reports CoCalc's reply on itself; show it as text.
document.addEventListener('cocalc-control-result', (event) => {
  const { action, result } = event as Event & { action: string; result: unknown };
  if (action === 'status') {
    document.querySelector('#status-output')!.textContent = JSON.stringify(result, null, 2);
    panel.add('status', summarizeStatus(result));
  }
});

function summarizeStatus(result: unknown): string {
  const files = (result as { openFiles?: Record<string, string[]> })?.openFiles ?? {};
  const paths = Object.values(files).flat();
  return paths.length ? `open: ${paths.join(', ')}` : 'no files open';
}

// Sign the demo user in to this site first; the element is defined (and asks the backend for a
// token) only afterwards. A real site is signed in before its page loads.
await setUpPage();
await import('@cocalc-embed/element');
await import('@cocalc-embed/element/controls');
