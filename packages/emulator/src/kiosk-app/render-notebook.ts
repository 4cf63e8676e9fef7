import { renderMarkdown } from './render-markdown.js';

/** Jupyter keeps multi-line strings either as one string or as an array of lines. */
function joinSource(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((line) => typeof line === 'string').join('');
  return '';
}

function own(object: unknown, key: string): unknown {
  return object !== null && typeof object === 'object' && Object.prototype.hasOwnProperty.call(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Renders a Jupyter notebook (`.ipynb` JSON, nbformat 4) as a read-only list of cells: Markdown
 * cells through the sanitizing Markdown renderer, code cells as text with their text outputs
 * (`stream`, and the `text/plain` of results/display data, and error tracebacks). Rich outputs
 * (HTML, images, JavaScript) are never rendered: they are untrusted and not needed by the tests.
 * Invalid JSON throws, so `open` answers with an error as CoCalc's editor would fail to load.
 */
export function renderNotebook(json: string, doc: Document = document): HTMLElement {
  const notebook = JSON.parse(json) as unknown;
  const cells = own(notebook, 'cells');
  if (!Array.isArray(cells)) throw new Error('not a Jupyter notebook: no "cells" array');
  const article = doc.createElement('div');
  article.className = 'notebook';
  article.setAttribute('role', 'list');
  article.setAttribute('aria-label', 'Notebook cells');
  cells.forEach((cell, index) => article.appendChild(renderCell(cell, index, doc)));
  return article;
}

function renderCell(cell: unknown, index: number, doc: Document): HTMLElement {
  const type = own(cell, 'cell_type');
  const item = doc.createElement('section');
  item.setAttribute('role', 'listitem');
  const source = joinSource(own(cell, 'source'));
  if (type === 'markdown') {
    item.className = 'cell cell-markdown';
    item.appendChild(renderMarkdown(source, doc));
    return item;
  }
  if (type !== 'code') {
    item.className = 'cell cell-raw';
    item.appendChild(pre(source, doc));
    return item;
  }
  const count = own(cell, 'execution_count');
  const label = typeof count === 'number' ? String(count) : ' ';
  item.className = 'cell cell-code';
  item.setAttribute('aria-label', `Code cell ${index + 1}`);
  const input = doc.createElement('div');
  input.className = 'cell-input';
  const prompt = doc.createElement('span');
  prompt.className = 'prompt';
  prompt.textContent = `In [${label}]:`;
  const code = doc.createElement('code');
  code.textContent = source;
  const codeBlock = doc.createElement('pre');
  codeBlock.appendChild(code);
  input.append(prompt, codeBlock);
  item.appendChild(input);
  const outputs = own(cell, 'outputs');
  if (Array.isArray(outputs) && outputs.length > 0) {
    const box = doc.createElement('div');
    box.className = 'cell-outputs';
    box.setAttribute('aria-label', `Output of cell ${index + 1}`);
    for (const output of outputs) {
      const text = outputText(output);
      if (text === undefined) continue;
      const block = pre(text, doc);
      block.className = `output output-${String(own(output, 'output_type'))}`;
      if (own(output, 'name') === 'stderr' || own(output, 'output_type') === 'error') block.classList.add('output-error');
      box.appendChild(block);
    }
    item.appendChild(box);
  }
  return item;
}

function outputText(output: unknown): string | undefined {
  switch (own(output, 'output_type')) {
    case 'stream':
      return joinSource(own(output, 'text'));
    case 'execute_result':
    case 'display_data': {
      const plain = own(own(output, 'data'), 'text/plain');
      return plain === undefined ? undefined : joinSource(plain);
    }
    case 'error': {
      const traceback = own(output, 'traceback');
      // Tracebacks carry ANSI colour codes; strip them rather than show escape noise.
      const text = Array.isArray(traceback) ? joinSource(traceback.map((l) => `${String(l)}\n`)) : `${String(own(output, 'ename'))}: ${String(own(output, 'evalue'))}`;
      // eslint-disable-next-line no-control-regex -- ESC is the very character to strip
      return text.replace(/\u001b\[[0-9;]*m/g, '');
    }
    default:
      return undefined;
  }
}

function pre(text: string, doc: Document): HTMLPreElement {
  const block = doc.createElement('pre');
  block.textContent = text;
  return block;
}
