import assert from 'node:assert/strict';
import { parseTokenResponse, type TokenResponse } from '@cocalc-embed/protocol';
import type { Harness } from './harness.js';

/**
 * Mints through the token endpoint as `cookie`'s user, following a `202` (still provisioning)
 * answer until the token is there; asserts the final answer is a 200 token response.
 */
export async function mintReady(h: Harness, cookie: string, body: { path: string; project?: string } = { path: 'intro.ipynb' }): Promise<TokenResponse> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const res = await h.mint(cookie, body);
    if (res.status === 202) {
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    assert.equal(res.status, 200, await res.clone().text());
    return parseTokenResponse(await res.json());
  }
  throw new Error('still provisioning after 100 polls');
}
