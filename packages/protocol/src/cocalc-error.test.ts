import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CocalcError, CocalcErrorCode, isRetryable, retryPolicy } from './cocalc-error.js';

describe('CocalcError', () => {
  it('carries a stable code, whether a retry helps, a hint and frozen details', () => {
    const error = new CocalcError('REMOTE_ERROR', "CoCalc refused open: invalid path, it must be a string", {
      details: { mesg: 'invalid path, it must be a string' },
    });
    assert.equal(error.name, 'CocalcError');
    assert.equal(error.code, 'REMOTE_ERROR');
    assert.equal(error.retryable, false);
    assert.ok(error.hint.length > 0);
    assert.ok(Object.isFrozen(error.details));
    assert.ok(error instanceof Error);
  });

  it('keeps the cause and an explicit hint and Retry-After', () => {
    const cause = new TypeError('fetch failed');
    const error = new CocalcError('RATE_LIMITED', 'slow down', { cause, hint: 'wait', retryAfterMs: 5000 });
    assert.equal(error.cause, cause);
    assert.equal(error.hint, 'wait');
    assert.equal(error.retryAfterMs, 5000);
    assert.equal(error.retryable, true);
  });

  it('is() recognises CocalcErrors, optionally by code, and nothing else', () => {
    const error = new CocalcError('ABORTED', 'stop');
    assert.equal(CocalcError.is(error), true);
    assert.equal(CocalcError.is(error, 'ABORTED'), true);
    assert.equal(CocalcError.is(error, 'DESTROYED'), false);
    assert.equal(CocalcError.is(new Error('x')), false);
    assert.equal(CocalcError.is('ABORTED'), false);
  });

  it('says which codes a retry can fix', () => {
    assert.equal(isRetryable('READY_TIMEOUT'), true);
    assert.equal(isRetryable('INVALID_ARGUMENT'), false);
    assert.equal(isRetryable('SESSION_BLOCKED'), false);
  });

  it('one retry policy per code, and retryable says the same as the policy', () => {
    for (const code of Object.values(CocalcErrorCode)) {
      assert.ok(['never', 'caller', 'recover', 'backoff'].includes(retryPolicy(code)), code);
      assert.equal(new CocalcError(code, 'x').retryable, retryPolicy(code) !== 'never', code);
    }
    // What the broker retries with backoff: the endpoint or the network was away.
    const backoff = Object.values(CocalcErrorCode).filter((code) => retryPolicy(code) === 'backoff');
    assert.deepEqual(backoff.sort(), ['RATE_LIMITED', 'TOKEN_TIMEOUT', 'TOKEN_UNAVAILABLE', 'UPSTREAM_ERROR']);
    assert.equal(retryPolicy('PROVISIONING_TIMEOUT'), 'recover');
  });

  it('TOKEN_INVALID is not retryable: the same backend would answer the same again', () => {
    assert.equal(retryPolicy('TOKEN_INVALID'), 'never');
    assert.equal(new CocalcError('TOKEN_INVALID', 'HTML instead of JSON').retryable, false);
  });

  it('every code has a row in docs/troubleshooting.md (codes are public API)', () => {
    const doc = readFileSync(new URL('../../../docs/troubleshooting.md', import.meta.url), 'utf8');
    const missing = Object.values(CocalcErrorCode).filter((code) => !doc.includes(`| \`${code}\` |`));
    assert.deepEqual(missing, []);
    // …and its "retryable" column says what the policy table says.
    const wrong = Object.values(CocalcErrorCode).filter((code) => !doc.includes(`| \`${code}\` | ${isRetryable(code) ? 'yes' : 'no'} |`));
    assert.deepEqual(wrong, []);
  });
});
