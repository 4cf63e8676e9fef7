/**
 * Whether `iframe` shows a document we may post to: one we cannot read (cross-origin, so not our
 * initial about:blank; if it is not the kiosk, the exact targetOrigin makes the browser drop the
 * message), or a readable one whose URL is at exactly `origin` (a same-origin kiosk). Never the
 * initial about:blank, where a post only earns a console warning or error.
 */
export function isKioskDocument(iframe: HTMLIFrameElement, origin: string): boolean {
  if (!iframe.contentWindow) return false;
  let doc: Document | null;
  try {
    doc = iframe.contentDocument;
  } catch {
    doc = null;
  }
  if (!doc) return true;
  try {
    return new URL(doc.URL).origin === origin;
  } catch {
    return false;
  }
}

/** For a readable kiosk document, whether it has loaded; an unreadable one is assumed loaded. */
export function kioskDocumentComplete(iframe: HTMLIFrameElement): boolean {
  try {
    const doc = iframe.contentDocument;
    return doc ? doc.readyState === 'complete' : true;
  } catch {
    return true;
  }
}
