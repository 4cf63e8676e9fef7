/**
 * "How it works": one embed from insertion to an open file, each step timed in the browser:
 * token request (Resource Timing), iframe load, first status answer, then status and open.
 */
import type { CocalcNotebookElement } from '@cocalc-embed/element';
import { setUpPage } from './page-chrome.js';

await setUpPage();
await import('@cocalc-embed/element');

const tbody = document.querySelector('#timeline tbody')!;
const start = document.getElementById('start') as HTMLButtonElement;
start.disabled = false; // the user is signed in and the element is defined
let t0 = 0;

function step(name: string, at = performance.now()): void {
  const row = document.createElement('tr');
  row.dataset.step = name;
  row.dataset.at = String(at);
  for (const text of [name, `${Math.round(at - t0)} ms`, '']) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  // Resource Timing entries arrive late (the observer is asynchronous): keep rows in time order,
  // and recompute each step's duration from the one before it.
  const rows = [...tbody.querySelectorAll<HTMLTableRowElement>('tr')];
  tbody.insertBefore(row, rows.find((r) => Number(r.dataset.at) > at) ?? null);
  let previous = t0;
  for (const r of tbody.querySelectorAll<HTMLTableRowElement>('tr')) {
    const when = Number(r.dataset.at);
    r.cells[2]!.textContent = `${Math.round(when - previous)} ms`;
    previous = when;
  }
}

start.addEventListener('click', () => void walkThrough());

/** Inserts a notebook and records each step of its start, then a status and an open. */
async function walkThrough(): Promise<void> {
  start.remove();
  tbody.replaceChildren();
  t0 = performance.now();
  const nb = document.createElement('cocalc-notebook') as CocalcNotebookElement;
  nb.path = 'intro.ipynb';
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
      if (entry.startTime < t0 || !entry.name.endsWith('/api/cocalc/token')) continue;
      step('token minted by the backend', entry.responseEnd);
    }
  });
  observer.observe({ type: 'resource' });
  nb.addEventListener('cocalc-state-change', (e) => {
    const labels: Record<string, string> = {
      token: 'token requested',
      loading: 'kiosk iframe created (signing in)',
      // Absent when CoCalc answers before its document's load, as a real CoCalc often does.
      connecting: 'kiosk loaded, probing with status',
      ready: 'CoCalc answered: ready',
      error: `error: ${nb.error?.code ?? ''}`,
    };
    if (labels[e.state]) step(labels[e.state]!);
  });
  step('element inserted');
  document.getElementById('stage')!.append(nb);
  try {
    await nb.ready;
    observer.disconnect();
    const status = await nb.status();
    step('status reply');
    document.getElementById('status-output')!.textContent = JSON.stringify(status, null, 2);
    nb.addEventListener('cocalc-file-open', (e) => step(`open ${e.path}: ack`), { once: true });
    await nb.open('lab1.ipynb');
    step('open lab1.ipynb: done');
  } catch (error) {
    step(`failed: ${(error as Error).message}`);
  }
}
