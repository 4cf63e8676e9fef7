/**
 * Failure handling: each switch breaks one dependency (backend, token, kiosk) and re-creates the
 * notebook so the element meets the failure on a fresh load.
 */
import type { CocalcNotebookElement } from '@cocalc-embed/element';
import { emulatorUrl, setEmulatorControls } from './emulator-controls.js';
import { EventPanel } from './event-panel.js';
import { setUpPage } from './page-chrome.js';

await setUpPage();
await import('@cocalc-embed/element');

const stage = document.getElementById('stage')!;
const panel = new EventPanel(document.getElementById('events')!);
const switches = document.getElementById('switches') as HTMLFieldSetElement;
const note = document.getElementById('switch-note')!;
const checkbox = (name: string) => switches.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;

if (!emulatorUrl) {
  checkbox('token-expired').disabled = true;
  checkbox('kiosk-silent').disabled = true;
  note.textContent = 'Running against a real CoCalc: only the backend switch is available.';
}

// Start from a clean emulator: a previous visit may have left a switch on.
if (emulatorUrl) await setEmulatorControls({ neverReady: false, expireTokens: false, expireSessions: false });

let current: CocalcNotebookElement | undefined;
function mount(): void {
  current?.remove();
  const nb = document.createElement('cocalc-notebook');
  nb.id = 'nb';
  nb.path = 'intro.ipynb';
  // A short ready timeout so "Kiosk not answering" shows its error within seconds, not 30 s.
  nb.readyTimeout = 5000;
  if (checkbox('backend-down').checked) nb.tokenEndpoint = '/api-down/cocalc/token';
  nb.addEventListener('cocalc-state-change', (e) => {
    document.getElementById('nb-state')!.textContent = e.state;
  });
  panel.watch(nb, 'nb');
  stage.append(nb);
  current = nb;
}

switches.addEventListener('change', (event) => void flip(event.target as HTMLInputElement));

/** Applies one failure switch; what it did (or why it could not) goes to the event panel. */
async function flip(input: HTMLInputElement): Promise<void> {
  try {
    if (input.name === 'token-expired') await setEmulatorControls({ expireTokens: input.checked, expireSessions: input.checked });
    if (input.name === 'kiosk-silent') await setEmulatorControls({ neverReady: input.checked });
    if (input.name === 'backend-down' && current) {
      // Switching the backend back on is the recovery path: the element's Retry uses the endpoint it has now.
      current.tokenEndpoint = input.checked ? '/api-down/cocalc/token' : '/api/cocalc/token';
    }
    panel.add('switch', `${input.name} ${input.checked ? 'on' : 'off'}`);
    if (input.checked) mount();
    else if (input.name === 'backend-down') note.textContent = 'Backend back: a new token-endpoint makes the element start over by itself.';
    else note.textContent = 'Switched off: press Retry in the notebook to recover.';
  } catch (error) {
    panel.add('error', String(error));
  }
}

mount();
