import { expect } from '@open-wc/testing';
import { CocalcError } from '@cocalc-embed/protocol';
import { TokenBroker } from './token-broker.js';
import { fakeState, resetFake } from './test-helpers.js';

/** A broker with fast retries so failure tests finish quickly; the delays keep their shape. */
function fastBroker(options: ConstructorParameters<typeof TokenBroker>[0] = {}): TokenBroker {
  return new TokenBroker({ retryBaseMs: 5, random: () => 0, ...options });
}

async function failure(promise: Promise<unknown>): Promise<CocalcError> {
  try {
    await promise;
  } catch (error) {
    if (CocalcError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('TokenBroker', () => {
  beforeEach(resetFake);

  describe('requests', () => {
    it('POSTs JSON {path, project} with x-cocalc-embed: 1, same-origin credentials and no-store', async () => {
      const seen: RequestInit[] = [];
      const broker = fastBroker({
        fetch: (input, init) => {
          seen.push(init!);
          return fetch(input, init);
        },
      });
      const grant = await broker.get({ endpoint: '/fake/token/ok', path: 'dir/a.ipynb', project: 'algebra-1' });
      expect(grant.response.path).to.equal('dir/a.ipynb');
      const server = (await fakeState()).lastTokenRequest!;
      expect(server.method).to.equal('POST');
      expect(server.contentType).to.equal('application/json');
      expect(server.embedHeader).to.equal('1');
      expect(JSON.parse(server.body)).to.deep.equal({ path: 'dir/a.ipynb', project: 'algebra-1' });
      expect(seen[0]!.credentials).to.equal('same-origin');
      expect(seen[0]!.cache).to.equal('no-store');
    });

    it('omits project from the body when none is given', async () => {
      await fastBroker().get({ endpoint: '/fake/token/ok', path: 'a.md' });
      expect(JSON.parse((await fakeState()).lastTokenRequest!.body)).to.deep.equal({ path: 'a.md' });
    });

    it('shares one in-flight request among 20 callers for the same endpoint, project and path', async () => {
      const broker = fastBroker();
      const request = { endpoint: '/fake/token/ok?delay=100', path: 'shared.ipynb' };
      const grants = await Promise.all(Array.from({ length: 20 }, () => broker.get(request)));
      expect(new Set(grants.map((g) => g.response.token)).size).to.equal(1);
      expect((await fakeState()).tokenRequests['ok']).to.equal(1);
      expect(broker.requestCount).to.equal(1);
    });

    it('does not share across paths, and never reuses a finished flight', async () => {
      const broker = fastBroker();
      await Promise.all([broker.get({ endpoint: '/fake/token/ok', path: 'a.md' }), broker.get({ endpoint: '/fake/token/ok', path: 'b.md' })]);
      await broker.get({ endpoint: '/fake/token/ok', path: 'a.md' });
      expect((await fakeState()).tokenRequests['ok']).to.equal(3);
    });

    it('computes expiry from the server expiresIn on a monotonic clock, ignoring expiresAt', async () => {
      let now = 1_000;
      const broker = fastBroker({ now: () => now });
      const grant = await broker.get({ endpoint: '/fake/token/ok?expiresIn=30', path: 'a.md' });
      expect(grant.expiresAtMs).to.equal(31_000);
      now = 30_999;
      expect(broker.isExpired(grant)).to.equal(false);
      now = 31_000;
      expect(broker.isExpired(grant)).to.equal(true);
    });
  });

  // Threat model: docs/threat-model.md#token-endpoint-failures
  describe('failures', () => {
    it('unreachable endpoint → TOKEN_UNAVAILABLE after 3 retries', async () => {
      const broker = fastBroker();
      const error = await failure(broker.get({ endpoint: 'http://127.0.0.1:9/api/cocalc/token', path: 'a.md' }));
      expect(error.code).to.equal('TOKEN_UNAVAILABLE');
      expect(error.retryable).to.equal(true);
      expect(broker.requestCount).to.equal(4);
    });

    it('slow endpoint → TOKEN_TIMEOUT, without a second concurrent request', async () => {
      const broker = fastBroker({ timeoutMs: 200, maxRetries: 0 });
      const started = performance.now();
      const [a, b] = await Promise.all([
        failure(broker.get({ endpoint: '/fake/token/slow', path: 'a.md' })),
        failure(broker.get({ endpoint: '/fake/token/slow', path: 'a.md' })),
      ]);
      expect(a.code).to.equal('TOKEN_TIMEOUT');
      expect(b).to.equal(a);
      expect(performance.now() - started).to.be.below(2_000);
      expect((await fakeState()).tokenRequests['slow']).to.equal(1);
    });

    for (const [mode, code] of [
      ['401', 'TOKEN_REJECTED'],
      ['403', 'TOKEN_REJECTED'],
      ['200-html', 'TOKEN_INVALID'],
      ['bad-json', 'TOKEN_INVALID'],
      ['no-token', 'TOKEN_INVALID'],
      ['bad-token', 'TOKEN_INVALID'],
      ['bad-project', 'TOKEN_INVALID'],
    ] as const) {
      it(`${mode} → ${code}, not retried`, async () => {
        const error = await failure(fastBroker().get({ endpoint: `/fake/token/${mode}`, path: 'a.md' }));
        expect(error.code).to.equal(code);
        expect((await fakeState()).tokenRequests[mode]).to.equal(1);
        expect(error.message).not.to.match(/<|Bad gateway|abc&/);
      });
    }

    for (const mode of ['500-html', '502-html'] as const) {
      it(`${mode} → UPSTREAM_ERROR after 1 + 3 attempts, the HTML never echoed`, async () => {
        const error = await failure(fastBroker().get({ endpoint: `/fake/token/${mode}`, path: 'a.md' }));
        expect(error.code).to.equal('UPSTREAM_ERROR');
        expect(error.details.status).to.equal(Number(mode.slice(0, 3)));
        expect(error.message).not.to.match(/<|Bad gateway|onerror/);
        expect((await fakeState()).tokenRequests[mode]).to.equal(4);
      });
    }

    it('401 carries the backend error code and message as text', async () => {
      const error = await failure(fastBroker().get({ endpoint: '/fake/token/401', path: 'a.md' }));
      expect(error.details.serverCode).to.equal('UNAUTHENTICATED');
      expect(error.message).to.contain('Sign in first.');
    });

    it('429 Retry-After: 1 waits at least a second before retrying, then reports RATE_LIMITED', async () => {
      const broker = fastBroker({ maxRetries: 1 });
      const started = performance.now();
      const error = await failure(broker.get({ endpoint: '/fake/token/429?retryAfter=1', path: 'a.md' }));
      expect(performance.now() - started).to.be.at.least(1_000);
      expect(error.code).to.equal('RATE_LIMITED');
      expect(error.retryAfterMs).to.equal(1_000);
      expect((await fakeState()).tokenRequests['429']).to.equal(2);
    });

    it('recovers when a retry succeeds (503 then 200)', async () => {
      const grant = await fastBroker().get({ endpoint: '/fake/token/flaky', path: 'a.md' });
      expect(grant.response.token).to.match(/^[A-Za-z0-9]{24}$/);
      expect((await fakeState()).tokenRequests['flaky']).to.equal(2);
    });

    it('backs off exponentially with jitter (1×, 2×, 4× the base, at most 3 retries)', async () => {
      const times: number[] = [];
      const broker = new TokenBroker({
        retryBaseMs: 40,
        random: () => 0.5,
        fetch: () => {
          times.push(performance.now());
          return Promise.reject(new TypeError('Failed to fetch'));
        },
      });
      const error = await failure(broker.get({ endpoint: '/x', path: 'a.md' }));
      expect(error.code).to.equal('TOKEN_UNAVAILABLE');
      expect(times).to.have.length(4);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      // 40·1.25, 80·1.25, 160·1.25 ms, with some slack for timers.
      expect(gaps[0]).to.be.within(45, 150);
      expect(gaps[1]).to.be.within(95, 250);
      expect(gaps[2]).to.be.within(195, 400);
    });
  });

  describe('HTTP 202 while the backend provisions a first visit', () => {
    it('waits retryAfter, asks again and gets the token, without using up a retry', async () => {
      const broker = fastBroker({ maxRetries: 0 });
      const grant = await broker.get({ endpoint: '/fake/token/provisioning?times=2&retryAfter=1', path: 'a.md' });
      expect(grant.response.token).to.match(/^[A-Za-z0-9]{24}$/);
      expect((await fakeState()).tokenRequests['provisioning']).to.equal(3);
    });

    it('a server that answers 202 for ever: PROVISIONING_TIMEOUT at the deadline, retryable', async () => {
      const broker = fastBroker({ provisioningTimeoutMs: 1_500 });
      const error = await failure(broker.get({ endpoint: '/fake/token/provisioning-forever', path: 'a.md' }));
      expect(error.code).to.equal('PROVISIONING_TIMEOUT');
      expect(error.retryable).to.equal(true);
      // Asked at 0 s, 1 s and once more at the deadline: bounded, not a loop.
      expect((await fakeState()).tokenRequests['provisioning-forever']).to.be.within(2, 3);
    });

    it('a huge Retry-After header cannot park the element beyond the provisioning deadline', async () => {
      const broker = fastBroker({ provisioningTimeoutMs: 400 });
      // Body: 1 s; header: a day. The wait is capped by the body's bound and by the deadline.
      const error = await failure(broker.get({ endpoint: '/fake/token/provisioning?times=99&header=86400', path: 'a.md' }));
      expect(error.code).to.equal('PROVISIONING_TIMEOUT');
      expect((await fakeState()).tokenRequests['provisioning']).to.equal(2);
    });

    for (const [mode, why] of [
      ['provisioning-bad-body', 'a 202 body that is not {status:"provisioning", retryAfter}'],
      ['provisioning-huge', 'a 202 asking to wait a day (retryAfter above 60 s)'],
    ] as const) {
      it(`${why} is TOKEN_INVALID at once, never retried`, async () => {
        const error = await failure(fastBroker().get({ endpoint: `/fake/token/${mode}`, path: 'a.md' }));
        expect(error.code).to.equal('TOKEN_INVALID');
        expect((await fakeState()).tokenRequests[mode]).to.equal(1);
      });
    }

    it('aborting while it waits sends no further request', async () => {
      const broker = fastBroker();
      const abort = new AbortController();
      const pending = broker.get({ endpoint: '/fake/token/provisioning-forever', path: 'a.md' }, abort.signal);
      while (((await fakeState()).tokenRequests['provisioning-forever'] ?? 0) < 1) await new Promise((r) => setTimeout(r, 20));
      abort.abort();
      expect((await failure(pending)).code).to.equal('ABORTED');
      await new Promise((r) => setTimeout(r, 1_500)); // past the 1 s retryAfter
      expect((await fakeState()).tokenRequests['provisioning-forever']).to.equal(1);
      expect(broker.requestCount).to.equal(1);
    });
  });

  describe('cancellation', () => {
    it('one caller aborting leaves the shared request to the others', async () => {
      const broker = fastBroker();
      const request = { endpoint: '/fake/token/ok?delay=150', path: 'a.md' };
      const abort = new AbortController();
      const first = broker.get(request, abort.signal);
      const second = broker.get(request);
      abort.abort();
      expect((await failure(first)).code).to.equal('ABORTED');
      expect((await second).response.token).to.match(/^[A-Za-z0-9]{24}$/);
    });

    it('every caller aborting cancels the request and its retries', async () => {
      let calls = 0;
      const broker = new TokenBroker({
        retryBaseMs: 50,
        fetch: (_input, init) =>
          new Promise((_resolve, reject) => {
            calls++;
            init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          }),
      });
      const abort = new AbortController();
      const pending = broker.get({ endpoint: '/x', path: 'a.md' }, abort.signal);
      abort.abort();
      expect((await failure(pending)).code).to.equal('ABORTED');
      await new Promise((r) => setTimeout(r, 200));
      expect(calls).to.equal(1);
    });
  });

  describe('the other token sources', () => {
    it('revoke() POSTs {token} to {endpoint}/revoke the way every endpoint request is made, and says the HTTP status', async () => {
      const seen: Array<{ url: string; init: RequestInit }> = [];
      const broker = fastBroker({
        fetch: async (input, init) => {
          seen.push({ url: input instanceof Request ? input.url : String(input), init: init! });
          return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
        },
      });
      expect(await broker.revoke({ endpoint: '/api/cocalc/token?tenant=a' }, 'abcdefghijklmnopqrstuvwx')).to.equal(200);
      expect(seen).to.have.length(1);
      const url = new URL(seen[0]!.url);
      expect(url.pathname).to.equal('/api/cocalc/token/revoke');
      expect(url.search).to.equal('?tenant=a');
      const init = seen[0]!.init;
      expect(init.method).to.equal('POST');
      expect(new Headers(init.headers).get('x-cocalc-embed')).to.equal('1');
      expect(init.credentials).to.equal('same-origin');
      expect(init.cache).to.equal('no-store');
      expect(JSON.parse(init.body as string)).to.deep.equal({ token: 'abcdefghijklmnopqrstuvwx' });
      // Revocation is not a token request.
      expect(broker.requestCount).to.equal(0);
    });

    it('revoke() of an unreachable endpoint rejects TOKEN_UNAVAILABLE', async () => {
      const broker = fastBroker({ fetch: () => Promise.reject(new TypeError('network down')) });
      expect((await failure(broker.revoke({ endpoint: '/x' }, 'abcdefghijklmnopqrstuvwx'))).code).to.equal('TOKEN_UNAVAILABLE');
    });

    it("a provider gets the endpoint's timeout: one that never answers is TOKEN_TIMEOUT, and its signal aborts", async () => {
      let signal: AbortSignal | undefined;
      const broker = fastBroker({ timeoutMs: 50 });
      const error = await failure(
        broker.get({ endpoint: '', path: 'a.md', provider: (request) => ((signal = request.signal), new Promise(() => undefined)) }),
      );
      expect(error.code).to.equal('TOKEN_TIMEOUT');
      expect(signal!.aborted).to.equal(true);
      expect(broker.requestCount).to.equal(0);
    });

    it('a provider that ignores its signal cannot hold a caller who gave up: ABORTED at once', async () => {
      const abort = new AbortController();
      const pending = fastBroker().get({ endpoint: '', path: 'a.md', provider: () => new Promise(() => undefined) }, abort.signal);
      abort.abort();
      expect((await failure(pending)).code).to.equal('ABORTED');
    });

    it('a provider that throws something else is TOKEN_UNAVAILABLE, with the cause kept; a CocalcError it throws is kept', async () => {
      const cause = new Error('rpc failed');
      const wrapped = await failure(fastBroker().get({ endpoint: '', path: 'a.md', provider: () => Promise.reject(cause) }));
      expect(wrapped.code).to.equal('TOKEN_UNAVAILABLE');
      expect(wrapped.cause).to.equal(cause);
      const own = new CocalcError('TOKEN_REJECTED', 'not enrolled');
      expect(await failure(fastBroker().get({ endpoint: '', path: 'a.md', provider: () => Promise.reject(own) }))).to.equal(own);
    });

    it('TOKEN_INVALID is not retried: one request, and the error says it is not retryable', async () => {
      const broker = fastBroker();
      const error = await failure(broker.get({ endpoint: '/fake/token/200-html', path: 'a.md' }));
      expect(error.code).to.equal('TOKEN_INVALID');
      expect(error.retryable).to.equal(false);
      expect(broker.requestCount).to.equal(1);
    });
  });
});
