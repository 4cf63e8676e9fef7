/**
 * Waits until every service `pnpm start` runs answers, so no spec races the backend or the
 * emulator (Playwright's webServer only waits for the demo's own URL).
 */
const SERVICES = [
  ['emulator', 'http://localhost:5180/customize'],
  ['backend', 'http://127.0.0.1:8787/readyz'],
] as const;

export default async function globalSetup(): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (const [name, url] of SERVICES) {
    for (;;) {
      try {
        const res = await fetch(url);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${name} did not become ready at ${url} within 90 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
