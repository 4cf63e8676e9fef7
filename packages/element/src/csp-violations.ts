/**
 * Where an element keeps the CoCalc URLs this page's CSP blocked while it was connected (see
 * {@link watchCspViolations}). A registered symbol, so the separately bundled diagnose entry point
 * reads what the element bundle wrote.
 */
export const CSP_BLOCKED_URLS = Symbol.for('cocalc-embed.csp-blocked-urls');

/** At most this many blocked URLs are kept per element. */
const MAX_RECORDED = 20;

/**
 * Records, into `into`, the `blockedURI` of every `securitypolicyviolation` on `doc` that falls
 * under `cocalcUrl()` (asked at the time of the violation), until the returned function is called.
 *
 * Why a listener and not only {@link cspViolationsFor}'s buffered reports: WebKit (measured in
 * WebKitGTK) has ReportingObserver but buffers no `csp-violation` reports; it only fires the
 * event, at the document, when the frame is refused, and names the blocked origin without a path.
 */
export function watchCspViolations(doc: Document, cocalcUrl: () => string | undefined, into: string[]): () => void {
  const onViolation = (event: SecurityPolicyViolationEvent): void => {
    const url = cocalcUrl();
    if (!url || into.length >= MAX_RECORDED) return;
    if (underOrigin(event.blockedURI, new URL(url).origin) && !into.includes(event.blockedURI)) into.push(event.blockedURI);
  };
  doc.addEventListener('securitypolicyviolation', onViolation);
  return () => doc.removeEventListener('securitypolicyviolation', onViolation);
}

/**
 * {@link watchCspViolations} for an element, into a list kept on the element under
 * {@link CSP_BLOCKED_URLS} (created once, kept across re-insertions): a registered symbol rather
 * than a property, so it is not API, yet the separately bundled diagnose() finds it.
 */
export function recordCspViolations(element: Element, cocalcUrl: () => string | undefined): () => void {
  const host = element as unknown as Record<symbol, string[] | undefined>;
  if (!Object.hasOwn(host, CSP_BLOCKED_URLS)) Object.defineProperty(host, CSP_BLOCKED_URLS, { value: [] });
  return watchCspViolations(element.ownerDocument, cocalcUrl, host[CSP_BLOCKED_URLS]!);
}

/**
 * URLs under `cocalcUrl` that this page's Content-Security-Policy blocked so far: `recorded` (from
 * {@link watchCspViolations}) plus the browser's buffered `csp-violation` reports, read through a
 * short-lived ReportingObserver where there is one.
 */
export async function cspViolationsFor(cocalcUrl: string, recorded: readonly string[] = []): Promise<string[]> {
  const origin = new URL(cocalcUrl).origin;
  const blocked = recorded.filter((url) => underOrigin(url, origin));
  if (typeof ReportingObserver === 'undefined') return blocked;
  const collect = (reports: readonly Report[]) => {
    for (const report of reports) {
      const url = (report.body as { blockedURL?: string } | null)?.blockedURL;
      if (typeof url === 'string' && underOrigin(url, origin) && !blocked.includes(url)) blocked.push(url);
    }
  };
  const observer = new ReportingObserver((reports) => collect(reports), { types: ['csp-violation'], buffered: true });
  observer.observe();
  // Buffered reports are delivered on a later task.
  await new Promise((resolve) => setTimeout(resolve, 0));
  collect(observer.takeRecords());
  observer.disconnect();
  return blocked;
}

/** True when `url` is `origin` itself or a URL on it (not merely a longer host name). */
function underOrigin(url: string, origin: string): boolean {
  return url === origin || url.startsWith(`${origin}/`);
}
