import { expect } from '@open-wc/testing';
import { renderMarkdown } from './render-markdown.js';
import { renderNotebook } from './render-notebook.js';
import { isSafeHref, sanitizeHtml } from './sanitize-html.js';

function host(node: Node): HTMLElement {
  const div = document.createElement('div');
  div.appendChild(node);
  return div;
}

describe('renderMarkdown (marked, sanitized)', () => {
  it('renders headings, emphasis and lists', () => {
    const el = host(renderMarkdown('# Title\n\nSome **bold** and *it*\n\n- a\n- b\n'));
    expect(el.querySelector('h1')?.textContent).to.equal('Title');
    expect(el.querySelector('strong')?.textContent).to.equal('bold');
    expect(el.querySelectorAll('li').length).to.equal(2);
  });
  it('shows raw HTML as text instead of injecting it', () => {
    const el = host(renderMarkdown('<img src=x onerror="window.__pwned=1">\n\nhi <script>window.__pwned=2</script>'));
    expect(el.querySelector('img, script')).to.equal(null);
    expect(el.textContent).to.contain('<img src=x onerror="window.__pwned=1">');
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });
  it('drops javascript: and data: links but keeps the text', () => {
    const el = host(renderMarkdown('[click](javascript:alert(1)) [d](data:text/html,x) [ok](https://example.org)'));
    const links = [...el.querySelectorAll('a')];
    expect(links.filter((a) => a.hasAttribute('href')).map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.org']);
    expect(el.textContent).to.contain('click');
    const ok = links.find((a) => a.getAttribute('href') === 'https://example.org')!;
    expect(ok.getAttribute('rel')).to.equal('noopener noreferrer');
  });
  it('replaces images with their alt text (no arbitrary fetches)', () => {
    const el = host(renderMarkdown('![a cat](https://tracker.example/p.gif)'));
    expect(el.querySelector('img')).to.equal(null);
    expect(el.textContent).to.contain('a cat');
  });
});

describe('sanitizeHtml (second wall)', () => {
  it('drops scripts, handlers, styles, frames and forms', () => {
    const el = host(
      sanitizeHtml('<p onclick="x()" style="color:red">a<script>b</script><iframe src="x"></iframe><form><input type="text"></form><style>p{}</style></p>'),
    );
    expect(el.querySelector('script, iframe, form, input, style, [onclick], [style]')).to.equal(null);
    expect(el.textContent).to.equal('a');
    expect(el.querySelector('p')?.outerHTML).to.equal('<p>a</p>');
  });
  it('rejects obfuscated javascript: URLs', () => {
    for (const href of ['javascript:x', ' JAVASCRIPT:x', 'java\nscript:x', '\u0001javascript:x', 'vbscript:x', 'data:x']) {
      expect(isSafeHref(href), href).to.equal(false);
    }
    for (const href of ['https://a.b', 'mailto:a@b', 'other.ipynb', '#sec', 'dir/x:y.md']) {
      expect(isSafeHref(href), href).to.equal(true);
    }
  });
  it('keeps only disabled checkboxes from GFM task lists', () => {
    const el = host(sanitizeHtml('<ul><li><input type="checkbox" checked> done</li></ul><input type="password">'));
    const inputs = el.querySelectorAll('input');
    expect(inputs.length).to.equal(1);
    expect(inputs[0]!.disabled).to.equal(true);
  });
});

describe('renderNotebook', () => {
  const nb = {
    cells: [
      { cell_type: 'markdown', source: ['## Part 1\n', 'text'] },
      {
        cell_type: 'code',
        execution_count: 3,
        source: 'print(1)',
        outputs: [
          { output_type: 'stream', name: 'stdout', text: '1\n' },
          { output_type: 'execute_result', data: { 'text/plain': '42', 'text/html': '<b onclick="x()">42</b>' } },
          { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['\u001b[31mTraceback\u001b[0m'] },
        ],
      },
    ],
  };
  it('renders markdown cells and code cells with their text outputs', () => {
    const el = renderNotebook(JSON.stringify(nb));
    expect(el.getAttribute('role')).to.equal('list');
    expect(el.querySelector('.cell-markdown h2')?.textContent).to.equal('Part 1');
    expect(el.querySelector('.cell-code code')?.textContent).to.equal('print(1)');
    expect(el.querySelector('.prompt')?.textContent).to.equal('In [3]:');
    const outputs = [...el.querySelectorAll('.cell-outputs pre')].map((p) => p.textContent);
    expect(outputs).to.deep.equal(['1\n', '42', 'Traceback\n']);
    expect(el.querySelector('b')).to.equal(null);
  });
  it('code is text, never markup', () => {
    const el = renderNotebook(JSON.stringify({ cells: [{ cell_type: 'code', source: '<img src=x onerror=alert(1)>', outputs: [] }] }));
    expect(el.querySelector('img')).to.equal(null);
    expect(el.querySelector('code')?.textContent).to.equal('<img src=x onerror=alert(1)>');
  });
  it('throws on invalid JSON or a missing cells array', () => {
    expect(() => renderNotebook('{ nope')).to.throw();
    expect(() => renderNotebook('{"metadata":{}}')).to.throw(/cells/);
  });
});
