/**
 * Several notebooks: two eager ones in different projects and a lazy one below the fold. The
 * token counter comes from the browser's own Resource Timing entries, so it counts every real
 * request to the token endpoint, whoever made it.
 */
import type {} from '@cocalc-embed/element';
import { setUpPage } from './page-chrome.js';

await setUpPage();
await import('@cocalc-embed/element');

for (const id of ['left', 'right', 'lazy']) {
  const el = document.getElementById(id)!;
  el.addEventListener('cocalc-state-change', (event) => {
    document.getElementById(`${id}-state`)!.textContent = event.state;
  });
}

const counter = document.getElementById('token-count')!;
let tokenRequests = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (new URL(entry.name).pathname === '/api/cocalc/token') tokenRequests++;
  counter.textContent = String(tokenRequests);
}).observe({ type: 'resource', buffered: true });
