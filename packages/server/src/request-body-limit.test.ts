import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseApiErrorBody, TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import { chunkedPost } from './test-support/chunked-post.js';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { startHarness, type Harness } from './test-support/harness.js';

const JSON_HEADERS = { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1', 'sec-fetch-site': 'same-origin' };
/** Far more than the 8 KiB limit, small enough to send in a test when a server does read it all. */
const BIG = 16 * 1024 * 1024;

describe('request body limit, counted while reading (chunked bodies have no Content-Length)', () => {
  let fake: FakeCocalc;
  let h: Harness;
  let alice: string;
  before(async () => {
    fake = await startFakeCocalc({ generation: 'classic' });
    h = await startHarness(fake);
    alice = await h.login('alice');
  });
  after(async () => {
    await h.close();
    await fake.close();
  });

  const routes: Array<[string, () => Record<string, string>]> = [
    ['/api/demo/login', () => ({})],
    ['/api/demo/logout', () => ({})],
    ['/api/cocalc/token (signed in)', () => ({ cookie: alice })],
    ['/api/cocalc/token (not signed in: 413 comes before 401)', () => ({})],
    ['/api/cocalc/token/revoke', () => ({ cookie: alice })],
    ['/api/no-such-route', () => ({})],
  ];
  for (const [label, extra] of routes) {
    it(`answers 413 PAYLOAD_TOO_LARGE to a 16 MiB chunked body on ${label} before it has been sent`, async () => {
      const path = label.split(' ')[0]!;
      const res = await chunkedPost(h.server.url, path, { ...JSON_HEADERS, ...extra() }, BIG);
      assert.equal(res.status, 413, res.body);
      assert.equal(parseApiErrorBody(JSON.parse(res.body))?.code, 'PAYLOAD_TOO_LARGE');
      assert.ok(res.sentBeforeResponse < res.total, `answered after ${res.sentBeforeResponse} of ${res.total} bytes: the server stopped reading`);
    });
  }

  it('still accepts a small chunked body', async () => {
    const res = await chunkedPost(h.server.url, '/api/demo/login', JSON_HEADERS, 0).catch(() => undefined);
    // An empty body is not JSON: a clean 400, not a 413 and not a hang.
    assert.equal(res?.status, 400);
  });

  it('answers 413 to a declared Content-Length over the limit without reading it', async () => {
    const res = await fetch(`${h.server.url}/api/demo/login`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ user: 'a'.repeat(9000) }) });
    assert.equal(res.status, 413);
    assert.equal(parseApiErrorBody(await res.json())?.code, 'PAYLOAD_TOO_LARGE');
  });

  it('still serves requests on a fresh connection after refusing big bodies', async () => {
    assert.equal((await h.mint(alice, { path: 'a.ipynb' })).status, 200);
  });
});

describe('per-IP limit in front of the demo login', () => {
  let fake: FakeCocalc;
  before(async () => {
    fake = await startFakeCocalc({ generation: 'classic' });
  });
  after(() => fake.close());

  it('answers 429 RATE_LIMITED with Retry-After once an address has used its burst of sign-ins', async () => {
    const h = await startHarness(fake, { COCALC_EMBED_RATE_IP_PER_MIN: '60', COCALC_EMBED_RATE_IP_BURST: '3' });
    try {
      for (let i = 0; i < 3; i += 1) await h.login('alice');
      const res = await fetch(`${h.server.url}/api/demo/login`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ user: 'alice' }) });
      assert.equal(res.status, 429);
      assert.equal(parseApiErrorBody(await res.json())?.code, 'RATE_LIMITED');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.equal(res.headers.get('set-cookie'), null, 'no session for a refused sign-in');
    } finally {
      await h.close();
    }
  });
});
