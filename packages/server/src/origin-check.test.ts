import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseApiErrorBody, TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { startHarness, type Harness } from './test-support/harness.js';

describe('Origin is checked when the browser sends no Sec-Fetch-Site (older browsers)', () => {
  let fake: FakeCocalc;
  let h: Harness;
  let alice: string;
  before(async () => {
    fake = await startFakeCocalc({ generation: 'classic' });
    h = await startHarness(fake, { COCALC_EMBED_ALLOWED_ORIGINS: 'https://courses.example.edu' });
    alice = await h.login('alice');
  });
  after(async () => {
    await h.close();
    await fake.close();
  });

  it('refuses a foreign Origin with 403 FORBIDDEN on the token endpoint and the demo login', async () => {
    for (const origin of ['https://evil.example', 'null', `${h.server.url}.evil.example`, h.server.url.replace('http:', 'https:')]) {
      const res = await post('/api/cocalc/token', { path: 'a.ipynb' }, { origin, cookie: alice });
      assert.equal(res.status, 403, origin);
      assert.equal(parseApiErrorBody(await res.json())?.code, 'FORBIDDEN');
      const login = await post('/api/demo/login', { user: 'bob' }, { origin });
      assert.equal(login.status, 403, origin);
      assert.equal(login.headers.get('set-cookie'), null);
    }
  });

  it('accepts the request\'s own origin, an operator-listed origin, and no Origin at all (non-browser clients)', async () => {
    assert.equal((await post('/api/cocalc/token', { path: 'a.ipynb' }, { origin: h.server.url, cookie: alice })).status, 200);
    assert.equal((await post('/api/cocalc/token', { path: 'a.ipynb' }, { origin: 'https://courses.example.edu', cookie: alice })).status, 200);
    assert.equal((await post('/api/cocalc/token', { path: 'a.ipynb' }, { cookie: alice })).status, 200);
  });

  it('leaves Sec-Fetch-Site in charge when the browser sends it', async () => {
    assert.equal((await post('/api/cocalc/token', { path: 'a.ipynb' }, { origin: 'https://evil.example', cookie: alice, 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await post('/api/cocalc/token', { path: 'a.ipynb' }, { origin: h.server.url, cookie: alice, 'sec-fetch-site': 'same-origin' })).status, 200);
  });

  /** POSTs with exactly these headers plus the custom header and JSON type: no Sec-Fetch-Site unless given. */
  function post(path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
    return fetch(`${h.server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1', ...headers },
      body: JSON.stringify(body),
    });
  }
});
