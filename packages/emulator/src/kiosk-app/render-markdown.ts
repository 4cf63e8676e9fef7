import { Marked } from 'marked';
import { sanitizeHtml } from './sanitize-html.js';

/** Escapes text for use inside HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Raw HTML blocks and inline tags in Markdown are shown as text, never interpreted: notebook
// Markdown is untrusted input. (CoCalc sanitizes instead; showing the source is the safe subset.)
const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
  },
});

/** Renders Markdown to a sanitized DOM fragment (see {@link sanitizeHtml}). */
export function renderMarkdown(source: string, doc: Document = document): DocumentFragment {
  const html = markdown.parse(source, { async: false }) as string;
  return sanitizeHtml(html, doc);
}
