// Nothing may touch window/document at import time: server rendering and tooling import these
// modules in Node. Run with `node --import tsx --test test/*.test.ts`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

test('Node has no DOM here (the test would prove nothing otherwise)', () => {
  assert.equal(typeof (globalThis as { window?: unknown }).window, 'undefined');
  assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
});

test('the package entry, the class module, define, controls and the token broker import without a DOM', async () => {
  const index = await import('../src/index.js');
  assert.equal(typeof index.CocalcNotebookElement, 'function');
  assert.equal(typeof index.getTokenBroker, 'function');
  await import('../src/cocalc-notebook-element.js');
  const define = await import('../src/define.js');
  // Lit's Node build brings a minimal customElements shim for server rendering; either way
  // define must not throw and must not register a second class under the tag.
  const defined = define.defineCocalcNotebook();
  assert.ok(defined === undefined || defined === index.CocalcNotebookElement);
  const controls = await import('../src/controls/index.js');
  assert.doesNotThrow(() => controls.stopHostControls());
});

test('the event classes construct in Node (no DOM needed)', async () => {
  const { CocalcStateChangeEvent } = await import('../src/index.js');
  const event = new CocalcStateChangeEvent('ready', 'connecting');
  assert.equal(event.type, 'cocalc-state-change');
  assert.equal(event.bubbles && event.composed, true);
});

test('the element constructs in Node, as server rendering does, and starts idle', async () => {
  // Lit's Node build brings a minimal HTMLElement; the element and its session must construct on
  // it without a DOM and on Node 20, so nothing browser-only may run in the constructor, and
  // `ready` is a plain pending promise there.
  const { CocalcNotebookElement, NotebookState } = await import('../src/index.js');
  const element = new CocalcNotebookElement();
  assert.equal(element.state, NotebookState.IDLE);
  assert.equal(element.controller, undefined);
  assert.deepEqual(element.openFiles, []);
  assert.ok(element.ready instanceof Promise);
  const pending = Symbol('pending');
  assert.equal(await Promise.race([element.ready, Promise.resolve(pending)]), pending, 'ready waits for a kiosk that never started');
});

test('the lit-free bundle imports in Node without touching window', async () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // Build into a temp folder so the test does not depend on a previous build:bundle run.
  // Inside the package, so the external `lit` import resolves from its node_modules.
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  const out = mkdtempSync(join(root, 'node_modules/.cache/element-node-import-'));
  execFileSync(process.execPath, ['--import', 'tsx', '-e', `
    const { buildWithoutLit } = await import(${JSON.stringify(`${root}scripts/build-bundle.ts`)});
    await buildWithoutLit(${JSON.stringify(`${root}scripts/bundle-entry.ts`)}, ${JSON.stringify(`${out}/bundle.mjs`)});
  `], { stdio: 'inherit' });
  assert.ok(existsSync(`${out}/bundle.mjs`));
  try {
    // lit stays external: Node resolves it with its "node" export condition, as SSR would.
    const bundle = (await import(`${out}/bundle.mjs`)) as { CocalcNotebookElement?: unknown };
    assert.equal(typeof bundle.CocalcNotebookElement, 'function');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
