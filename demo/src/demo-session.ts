/**
 * The demo's stand-in for a site's own sign-in: the backend's demo auth sets a signed cookie naming
 * one of a few demo users. A real site replaces this with its own session; the token endpoint only
 * ever asks "who is this request's user?".
 */
const JSON_HEADERS = { 'content-type': 'application/json', 'x-cocalc-embed': '1' };

/** The signed-in demo user, signing in as `alice` on first visit. */
export async function ensureDemoUser(): Promise<string> {
  const current = await whoami();
  if (current) return current;
  await switchDemoUser('alice');
  return 'alice';
}

/** Who the backend thinks this browser is, or null. */
export async function whoami(): Promise<string | null> {
  const res = await fetch('/api/demo/whoami', { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new Error(`whoami failed: HTTP ${res.status}`);
  const body = (await res.json()) as { user?: string | null };
  return body.user ?? null;
}

/** Signs in as another demo user (the backend maps each to its own CoCalc account and project). */
export async function switchDemoUser(user: string): Promise<void> {
  const res = await fetch('/api/demo/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: JSON_HEADERS,
    body: JSON.stringify({ user }),
  });
  if (!res.ok) throw new Error(`login as ${user} failed: HTTP ${res.status}`);
}
