/**
 * Redeems a CoCalc auth token at the emulator the way the browser would for that era and returns
 * the account it signs in, or `null` when the token is refused: classic via the hub message
 * `sign_in_using_auth_token`, modern via `GET /auth/impersonate` (its `account_id` cookie).
 */
export async function redeemToken(cocalcUrl: string, generation: 'classic' | 'modern', token: string): Promise<string | null> {
  if (generation === 'classic') {
    const res = await fetch(`${cocalcUrl}/api/emulator/hub`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'sign_in_using_auth_token', auth_token: token }),
    });
    const body = (await res.json()) as { event?: string; account_id?: string };
    return body.event === 'signed_in' ? (body.account_id ?? null) : null;
  }
  const res = await fetch(`${cocalcUrl}/auth/impersonate?auth_token=${encodeURIComponent(token)}`, { redirect: 'manual' });
  const text = await res.text();
  if (text.startsWith('ERROR')) return null;
  const cookie = res.headers.getSetCookie().find((c) => /(^|%2F|[^a-z_])account_id=/.test(c.split(';')[0]!));
  return cookie ? decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!) : null;
}
