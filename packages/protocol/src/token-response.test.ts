import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CocalcError } from './cocalc-error.js';
import { MAX_PROVISIONING_RETRY_AFTER, parseApiErrorBody, parseProvisioningResponse, parseTokenResponse } from './token-response.js';

const GOOD = {
  token: 'AbCdEfGhIjKlMnOpQrStUvWx',
  expiresAt: '2026-11-28T08:00:00.000Z',
  expiresIn: 43200,
  cocalcUrl: 'https://cocalc.example.test/',
  projectId: '9b1c2f4e-0a5d-4c3b-8e7f-1a2b3c4d5e6f',
  path: 'course/intro.ipynb',
  signIn: 'url',
};

describe('parseTokenResponse', () => {
  it('accepts a valid answer and normalises the CoCalc URL', () => {
    const parsed = parseTokenResponse(GOOD);
    assert.equal(parsed.cocalcUrl, 'https://cocalc.example.test');
    assert.equal(parsed.signIn, 'url');
    assert.ok(Object.isFrozen(parsed));
  });

  for (const [field, value, why] of [
    ['token', 'short', /token/],
    ['token', 'AbCdEfGhIjKlMnOpQrStUv&x', /token/],
    ['expiresAt', 'yesterday', /expiresAt/],
    ['expiresIn', -1, /expiresIn/],
    ['cocalcUrl', 'javascript:alert(1)', /cocalcUrl/],
    ['projectId', 'not-a-uuid', /projectId/],
    ['path', '../etc/passwd', /path/],
    ['signIn', 'cookie', /signIn/],
  ] as const) {
    it(`refuses a bad ${field} (${JSON.stringify(value)}) with TOKEN_INVALID naming it`, () => {
      assert.throws(
        () => parseTokenResponse({ ...GOOD, [field]: value }),
        (err: unknown) => CocalcError.is(err, 'TOKEN_INVALID') && why.test(err.message),
      );
    });
  }

  it('refuses non-objects: HTML text, arrays, null', () => {
    for (const body of ['<html>502 Bad Gateway</html>', [GOOD], null]) {
      assert.throws(() => parseTokenResponse(body), (err: unknown) => CocalcError.is(err, 'TOKEN_INVALID'));
    }
  });
});

describe('parseApiErrorBody', () => {
  it('reads {error:{code,message}} and nothing else', () => {
    assert.deepEqual(parseApiErrorBody({ error: { code: 'RATE_LIMITED', message: 'slow down' } }), { code: 'RATE_LIMITED', message: 'slow down' });
    assert.equal(parseApiErrorBody({ error: 'x' }), undefined);
    assert.equal(parseApiErrorBody('<html>'), undefined);
    assert.equal(parseApiErrorBody({ error: { code: 'X'.repeat(100), message: 'm' } }), undefined);
  });
});

describe('parseProvisioningResponse', () => {
  it('accepts {status:"provisioning", retryAfter} and freezes it', () => {
    const parsed = parseProvisioningResponse({ status: 'provisioning', retryAfter: 2 });
    assert.deepEqual(parsed, { status: 'provisioning', retryAfter: 2 });
    assert.ok(Object.isFrozen(parsed));
  });

  for (const [body, why] of [
    [null, /not a JSON object/],
    [[], /not a JSON object/],
    [{ status: 'ready', retryAfter: 2 }, /status/],
    [{ status: 'provisioning' }, /retryAfter/],
    [{ status: 'provisioning', retryAfter: 0 }, /retryAfter/],
    [{ status: 'provisioning', retryAfter: 1.5 }, /retryAfter/],
    [{ status: 'provisioning', retryAfter: '2' }, /retryAfter/],
    [{ status: 'provisioning', retryAfter: MAX_PROVISIONING_RETRY_AFTER + 1 }, /retryAfter/],
    [{ status: 'provisioning', retryAfter: Number.POSITIVE_INFINITY }, /retryAfter/],
  ] as const) {
    it(`refuses ${JSON.stringify(body)} with TOKEN_INVALID naming the field`, () => {
      assert.throws(
        () => parseProvisioningResponse(body),
        (err: unknown) => CocalcError.is(err, 'TOKEN_INVALID') && why.test(err.message),
      );
    });
  }
});
