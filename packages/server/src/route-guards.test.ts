import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import { startHarness, type Harness } from './test-support/harness.js';

// Every request here is refused before CoCalc would be asked: the upstream is a closed port, so a
// guard that let one through would show up as a 503 instead of the answer expected.
const NOWHERE = { url: 'http://127.0.0.1:9', apiKey: `sk-${'n'.repeat(24)}` };

const ROUTES = [
  { path: '/api/cocalc/token', body: { path: 'intro.ipynb' }, json: true },
  { path: '/api/cocalc/token/revoke', body: { token: 'a'.repeat(24) }, json: true },
  { path: '/api/demo/login', body: { user: 'alice' }, json: true },
  { path: '/api/demo/logout', body: {}, json: false },
] as const;

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe('the guards every state-changing route runs, in one order', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(NOWHERE);
  });
  after(() => h.close());

  const send = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string }) =>
    fetch(`${h.server.url}${path}`, { method: init.method ?? 'POST', headers: init.headers, body: init.body });

  for (const route of ROUTES) {
    it(`${route.path}: a wrong method is refused first (405), then a cross-site request (403), then a missing custom header (403)`, async () => {
      const crossSiteGet = await send(route.path, { method: 'GET', headers: { 'sec-fetch-site': 'cross-site' } });
      assert.equal(crossSiteGet.status, 405);
      assert.equal(crossSiteGet.headers.get('allow'), 'POST');
      const crossSite = await send(route.path, { headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, body: JSON.stringify(route.body) });
      assert.equal(crossSite.status, 403);
      assert.match(((await crossSite.json()) as { error: { message: string } }).error.message, /Cross-site/);
      const noHeader = await send(route.path, { headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: JSON.stringify(route.body) });
      assert.equal(noHeader.status, 403);
      assert.match(((await noHeader.json()) as { error: { message: string } }).error.message, new RegExp(TOKEN_REQUEST_HEADER));
    });

    it(`${route.path}: ${route.json ? 'a body that is not application/json is refused (415)' : 'needs no JSON body'}`, async () => {
      const res = await send(route.path, { headers: { 'sec-fetch-site': 'same-origin', [TOKEN_REQUEST_HEADER]: '1', 'content-type': 'text/plain' }, body: JSON.stringify(route.body) });
      if (route.json) assert.equal(await errorCode(res), 'UNSUPPORTED_MEDIA_TYPE');
      else assert.equal(res.status, 200);
    });
  }

  it('a malformed JSON body is refused with 400 on every route that reads one', async () => {
    const cookie = await h.login('alice');
    for (const route of ROUTES.filter((r) => r.json)) {
      const res = await send(route.path, {
        headers: { cookie, 'sec-fetch-site': 'same-origin', [TOKEN_REQUEST_HEADER]: '1', 'content-type': 'application/json' },
        body: '{not json',
      });
      assert.equal(await errorCode(res), 'BAD_REQUEST', route.path);
    }
  });
});

describe('rate limits in the guard chain', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(NOWHERE, { COCALC_EMBED_RATE_IP_PER_MIN: '1', COCALC_EMBED_RATE_IP_BURST: '1' });
  });
  after(() => h.close());

  it('the address limit comes before sign-in, token and revoke share it, and sign-ins have a bucket of their own', async () => {
    assert.equal((await h.mint(undefined, { path: 'intro.ipynb' })).status, 401, 'the first request from this address reaches the sign-in check');
    const again = await h.mint(undefined, { path: 'intro.ipynb' });
    assert.equal(await errorCode(again), 'RATE_LIMITED', 'the second is refused before anyone asks who it is');
    assert.ok(Number(again.headers.get('retry-after')) >= 1);
    const revoke = await h.revoke(undefined, { token: 'a'.repeat(24) });
    assert.equal(await errorCode(revoke), 'RATE_LIMITED', 'revoke spends the same per-address budget');
    await h.login('alice'); // its own bucket: still allowed
    await assert.rejects(h.login('bob'), /429/, 'and that bucket has the same size');
  });

  it('a refusal by the address limit is logged on every route, naming the route', () => {
    const refused = h.logs.filter((line) => line.includes('"rate limited"'));
    for (const path of ['/api/cocalc/token', '/api/cocalc/token/revoke', '/api/demo/login']) {
      assert.ok(refused.some((line) => line.includes(`"path":"${path}"`)), path);
    }
  });
});
