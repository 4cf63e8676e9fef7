import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseApiErrorBody, TOKEN_REQUEST_HEADER } from '@cocalc-embed/protocol';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { TrustedProxies } from './trusted-proxies.js';

/** A well-formed API key made for this run: no key-shaped literal in the source. */
const TEST_API_KEY = `sk-${randomBytes(12).toString('hex')}`;

const HEADERS = { 'content-type': 'application/json', [TOKEN_REQUEST_HEADER]: '1', 'sec-fetch-site': 'same-origin' };

/** A demo sign-in (per-IP limited) claiming to come through a proxy for `forwardedFor`. */
function login(h: Harness, forwardedFor?: string, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.server.url}/api/demo/login`, {
    method: 'POST',
    headers: { ...HEADERS, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}), ...extra },
    body: JSON.stringify({ user: 'alice' }),
  });
}

describe('trusted proxies: the client address behind a reverse proxy', () => {
  let fake: FakeCocalc;
  before(async () => {
    fake = await startFakeCocalc({ generation: 'classic' });
  });
  after(() => fake.close());
  const limits = { COCALC_EMBED_RATE_IP_PER_MIN: '60', COCALC_EMBED_RATE_IP_BURST: '2' };

  it('gives each forwarded client its own per-IP bucket when the peer is a configured proxy', async () => {
    const h = await startHarness(fake, { ...limits, COCALC_EMBED_TRUSTED_PROXIES: '127.0.0.1' });
    try {
      for (let i = 0; i < 2; i += 1) assert.equal((await login(h, '203.0.113.7')).status, 200);
      assert.equal((await login(h, '203.0.113.7')).status, 429, 'that client used its burst');
      assert.equal((await login(h, '203.0.113.8')).status, 200, 'another client behind the same proxy is not affected');
    } finally {
      await h.close();
    }
  });

  it('believes only the hops a trusted proxy appended, not what the client prepended', async () => {
    const h = await startHarness(fake, { ...limits, COCALC_EMBED_TRUSTED_PROXIES: '127.0.0.0/8, 10.0.0.0/8' });
    try {
      // The client forges a fresh leftmost hop each time; the proxies append the real address.
      for (const forged of ['1.1.1.1', '2.2.2.2']) assert.equal((await login(h, `${forged}, 198.51.100.4, 10.1.2.3`)).status, 200);
      assert.equal((await login(h, '3.3.3.3, 198.51.100.4, 10.1.2.3')).status, 429, 'still one client: 198.51.100.4');
    } finally {
      await h.close();
    }
  });

  it('ignores X-Forwarded-For from a peer that is not a configured proxy (spoofing)', async () => {
    for (const trusted of [undefined, '192.0.2.1']) {
      const h = await startHarness(fake, { ...limits, ...(trusted ? { COCALC_EMBED_TRUSTED_PROXIES: trusted } : {}) });
      try {
        assert.equal((await login(h, '203.0.113.1')).status, 200);
        assert.equal((await login(h, '203.0.113.2')).status, 200);
        const res = await login(h, '203.0.113.3');
        assert.equal(res.status, 429, `a new forged address does not buy a new bucket (trusted: ${trusted ?? 'none'})`);
        assert.equal(parseApiErrorBody(await res.json())?.code, 'RATE_LIMITED');
      } finally {
        await h.close();
      }
    }
  });

  it('believes X-Forwarded-Proto (Secure cookie) only from a configured proxy', async () => {
    const untrusted = await startHarness(fake);
    const trusted = await startHarness(fake, { COCALC_EMBED_TRUSTED_PROXIES: '127.0.0.1' });
    try {
      const proto = { 'x-forwarded-proto': 'https' };
      assert.doesNotMatch((await login(untrusted, undefined, proto)).headers.get('set-cookie') ?? '', /Secure/);
      assert.match((await login(trusted, undefined, proto)).headers.get('set-cookie') ?? '', /Secure/);
    } finally {
      await untrusted.close();
      await trusted.close();
    }
  });

  it('validates COCALC_EMBED_TRUSTED_PROXIES and refuses the old COCALC_EMBED_TRUST_PROXY switch by name', () => {
    const base = { COCALC_API_KEY: TEST_API_KEY };
    assert.deepEqual(loadConfig({ ...base, COCALC_EMBED_TRUSTED_PROXIES: '127.0.0.1, ::1, 10.0.0.0/8' }).trustedProxies, ['127.0.0.1', '::1', '10.0.0.0/8']);
    assert.deepEqual(loadConfig(base).trustedProxies, [], 'default: none');
    for (const bad of ['localhost', '10.0.0.0/33', '1.2.3.4/8/9']) {
      assert.throws(() => loadConfig({ ...base, COCALC_EMBED_TRUSTED_PROXIES: bad }), (e) => e instanceof ConfigError && /COCALC_EMBED_TRUSTED_PROXIES/.test(e.message));
    }
    assert.throws(() => loadConfig({ ...base, COCALC_EMBED_TRUST_PROXY: '1' }), (e) => e instanceof ConfigError && /COCALC_EMBED_TRUSTED_PROXIES/.test(e.message));
  });

  it('matches IPv4-mapped IPv6 peers and IPv6 ranges', () => {
    const proxies = new TrustedProxies(['127.0.0.1', 'fd00::/8']);
    assert.equal(proxies.clientAddress('::ffff:127.0.0.1', '198.51.100.9'), '198.51.100.9');
    assert.equal(proxies.clientAddress('fd12::1', '2001:db8::5'), '2001:db8::5');
    assert.equal(proxies.clientAddress('2001:db8::7', '198.51.100.9'), '2001:db8::7', 'untrusted peer: its own address');
    assert.equal(proxies.clientAddress('127.0.0.1', 'not-an-ip'), '127.0.0.1', 'garbage is never a client address');
  });
});
