import { CocalcError } from '@cocalc-embed/protocol';
import { fileName } from './file-name.js';

/**
 * The kiosk iframe's `sandbox` tokens: scripts and same-origin (CoCalc is an app with cookies),
 * forms, popups (CoCalc opens help and raw files in new tabs), downloads and modals (notebook
 * downloads, confirm dialogs). Deliberately NOT `allow-top-navigation*`: CoCalc content, or a
 * script injected into it, must never navigate the host page (docs/threat-model.md#framing). Not
 * `allow-popups-to-escape-sandbox` either: popups stay as constrained as the frame.
 */
export const KIOSK_SANDBOX = 'allow-scripts allow-same-origin allow-forms allow-popups allow-downloads allow-modals';

/** The permissions the kiosk gets: notebook copy/paste and full-screen output, nothing else. */
export const KIOSK_PERMISSIONS: readonly string[] = Object.freeze(['clipboard-read', 'clipboard-write', 'fullscreen']);

/**
 * The kiosk iframe's `allow` attribute: each of {@link KIOSK_PERMISSIONS} granted to exactly the
 * kiosk's origin, e.g. `clipboard-read https://cocalc.example; …`.
 *
 * Why the origin is spelled out: a feature without an allowlist means "the origin of the `src`
 * attribute", and the kiosk frame has no `src` (see {@link navigateFrame}), so the browser applies
 * it to the host page's own origin and CoCalc, on its own origin, gets neither the clipboard nor
 * full screen (its kiosk's requestFullscreen then fails with a permissions-policy violation).
 */
export function kioskAllow(origin: string): string {
  // `origin` comes from cocalcOrigin(): a serialised http(s) origin, no spaces or semicolons;
  // re-serialise anyway so nothing else can ever reach the attribute.
  let serialised = '';
  try {
    serialised = new URL(origin).origin;
  } catch {
    // refused below
  }
  if (!/^https?:\/\/[^\s;,'"]+$/.test(serialised)) {
    throw new CocalcError('INVALID_ARGUMENT', `The kiosk origin ${JSON.stringify(origin)} is not an http(s) origin.`, { details: { field: 'origin' } });
  }
  return KIOSK_PERMISSIONS.map((feature) => `${feature} ${serialised}`).join('; ');
}

/**
 * The kiosk frame's `title` for `path`: assistive technology announces a frame by its title, so it
 * names the file shown and follows `path` when that changes.
 */
export function kioskFrameTitle(path: string): string {
  const name = fileName(path);
  return name ? `CoCalc: ${name}` : 'CoCalc';
}

/**
 * Creates a kiosk iframe with the hardened attribute set and no `src` (see {@link navigateFrame}).
 * `origin` is the kiosk's origin, the only one granted {@link KIOSK_PERMISSIONS}; without it the
 * frame gets no permissions at all (the throw-away sign-in frame needs none).
 *
 * The `sandbox` attribute is added by {@link navigateFrame}, just before the frame leaves its
 * initial about:blank: sandbox flags apply to the documents a frame navigates to, so the kiosk
 * gets them all the same, while our own empty about:blank (same-origin with the page) is not
 * created sandboxed with scripts and same-origin — which Chromium reports on the page's console,
 * once per frame, as "can escape its sandboxing".
 */
export function createKioskFrame(title: string, origin?: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.setAttribute('part', 'frame');
  frame.setAttribute('title', title);
  if (origin !== undefined) frame.setAttribute('allow', kioskAllow(origin));
  // The kiosk URL may hold a token (url era): never send it as a Referer (RFC 9700 §4.2.4).
  frame.setAttribute('referrerpolicy', 'no-referrer');
  return frame;
}

/**
 * Sandboxes a connected iframe ({@link KIOSK_SANDBOX}) and navigates it to `url` without ever
 * writing `url` into its `src` attribute.
 *
 * Why: in the `url` sign-in era the kiosk URL carries the token, and a `src` attribute keeps it in
 * the host DOM (outerHTML, devtools, session-replay scripts) for the iframe's whole life. Removing
 * or rewriting the attribute later is not an option: per HTML, changing or removing `src` navigates
 * the frame again (a reload, or about:blank). Instead the frame's initial about:blank document
 * (same-origin with us, and not yet sandboxed) follows a `rel="noreferrer"` link
 * that we click and drop at once: the frame loads the URL, the attribute stays absent, no Referer
 * is sent (an `src` would honour `referrerpolicy`; `location.replace` from our realm would not),
 * and, since it leaves the initial about:blank, the navigation replaces rather than adds a joint
 * session history entry (Back never re-opens the token URL).
 *
 * WebKit is the exception, measured in WebKitGTK: there a link followed from the initial
 * about:blank adds a history entry (Back would step the kiosk frame back, and in the url era
 * forward again onto the token URL), while the frame's `location.replace` adds none and, there,
 * sends no Referer either. So in WebKit (see {@link linkNavigationAddsHistory}) the frame is
 * navigated with `location.replace`. (Chromium and Firefox send our page's Referer with
 * `location.replace`; a `<meta http-equiv=refresh>` would avoid both but Firefox users can block
 * refreshes.)
 *
 * Residual exposure we cannot remove from the host side (documented in the README): the token URL
 * is the kiosk document's own address until CoCalc strips it (the `url` era has done so since 2020, with a pushState inside
 * the frame), it appears in the host's Resource Timing entry for the frame navigation, it can be
 * the Referer of the kiosk's same-origin subresource requests (CoCalc's own logs), and it reaches
 * CoCalc's access logs. Short token lifetimes and backend revocation bound that exposure.
 */
export function navigateFrame(frame: HTMLIFrameElement, url: string): void {
  // Before the navigation starts: the flags of the document it creates are taken from here.
  frame.setAttribute('sandbox', KIOSK_SANDBOX);
  let doc: Document | null = null;
  try {
    doc = frame.contentDocument;
  } catch {
    doc = null; // not our about:blank any more
  }
  if (doc?.documentElement && !linkNavigationAddsHistory()) {
    const link = doc.createElement('a');
    link.href = url;
    link.rel = 'noreferrer';
    link.referrerPolicy = 'no-referrer';
    doc.documentElement.append(link);
    link.click();
    link.remove();
    return;
  }
  const win = frame.contentWindow;
  if (!win) throw new Error('navigateFrame: the iframe is not connected to a document');
  win.location.replace(url);
}

/**
 * True in WebKit (Safari, every iOS browser, WebKitGTK/WPE), whose link navigations from a frame's
 * initial about:blank add a session-history entry. `navigator.vendor` names the engine's vendor,
 * not the browser: it is "Apple Computer, Inc." exactly in WebKit-based browsers (Chromium says
 * "Google Inc.", Firefox "").
 */
export function linkNavigationAddsHistory(): boolean {
  return typeof navigator !== 'undefined' && navigator.vendor === 'Apple Computer, Inc.';
}
