/**
 * URLs under `cocalcUrl` that this page's Content-Security-Policy blocked so far. Reads the
 * browser's buffered `csp-violation` reports through a short-lived ReportingObserver, so the
 * element keeps no page-wide listener. Resolves `[]` where ReportingObserver is missing.
 */
export async function cspViolationsFor(cocalcUrl: string): Promise<string[]> {
  if (typeof ReportingObserver === 'undefined') return [];
  const origin = new URL(cocalcUrl).origin;
  const blocked: string[] = [];
  const collect = (reports: readonly Report[]) => {
    for (const report of reports) {
      const url = (report.body as { blockedURL?: string } | null)?.blockedURL;
      if (typeof url === 'string' && url.startsWith(origin)) blocked.push(url);
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
