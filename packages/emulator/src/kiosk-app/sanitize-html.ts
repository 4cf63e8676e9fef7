/**
 * Turns HTML produced by our Markdown renderer into a DOM fragment containing only an allowlist
 * of inert elements and attributes. The Markdown renderer already escapes raw HTML; this is the
 * second wall, so notebook content (untrusted: whatever the page author or a student wrote) can
 * never inject script, handlers, frames, forms, styles or `javascript:` links into the kiosk.
 *
 * Parsing happens in a `<template>`, whose content is inert: nothing loads or runs while we walk it.
 */

const ALLOWED_ELEMENTS = new Set([
  'a', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'input',
  'li', 'ol', 'p', 'pre', 'span', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
]);

// Elements whose whole subtree is dropped rather than unwrapped (their text is not content).
const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'noscript', 'svg', 'math', 'textarea', 'select']);

const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'title'],
  code: ['class'],
  input: ['type', 'checked', 'disabled'],
  ol: ['start'],
  td: ['align'],
  th: ['align'],
};

/** Link targets we keep: web and mail links, and relative paths (which kiosk mode then refuses to open). */
export function isSafeHref(href: string): boolean {
  const trimmed = href.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return true;
  // No scheme at all (relative path, fragment, query): a colon before any / ? # would be a scheme.
  return !/^[^/?#]*:/.test(trimmed);
}

/** Parses `html` and returns a fragment holding only allowlisted, inert nodes. */
export function sanitizeHtml(html: string, doc: Document = document): DocumentFragment {
  const template = doc.createElement('template');
  template.innerHTML = html;
  const out = doc.createDocumentFragment();
  copyChildren(template.content, out, doc);
  return out;
}

function copyChildren(from: ParentNode, to: Node, doc: Document): void {
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.appendChild(doc.createTextNode(node.textContent ?? ''));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue; // comments, processing instructions
    const element = node as Element;
    const tag = element.localName;
    if (DROPPED_WITH_CONTENT.has(tag)) continue;
    if (tag === 'img') {
      // Images would make the kiosk fetch arbitrary URLs (tracking, local network); show the alt text.
      const alt = element.getAttribute('alt');
      if (alt) to.appendChild(doc.createTextNode(alt));
      continue;
    }
    if (!ALLOWED_ELEMENTS.has(tag)) {
      copyChildren(element, to, doc); // unknown wrapper: keep its text, lose the element
      continue;
    }
    const copy = doc.createElement(tag);
    for (const name of ALLOWED_ATTRIBUTES[tag] ?? []) {
      const value = element.getAttribute(name);
      if (value === null) continue;
      if (name === 'href' && !isSafeHref(value)) continue;
      if (name === 'class' && !/^language-[\w+-]+$/.test(value)) continue;
      if (tag === 'input' && name === 'type' && value !== 'checkbox') continue;
      copy.setAttribute(name, value);
    }
    if (tag === 'input') {
      if (copy.getAttribute('type') !== 'checkbox') continue;
      copy.setAttribute('disabled', '');
    }
    if (tag === 'a' && /^https?:/i.test(copy.getAttribute('href') ?? '')) {
      copy.setAttribute('target', '_blank');
      copy.setAttribute('rel', 'noopener noreferrer');
    }
    copyChildren(element, copy, doc);
    to.appendChild(copy);
  }
}
