import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CocalcError, CocalcErrorCode, isRetryable } from './cocalc-error.js';

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

  it('every code has a row in docs/troubleshooting.md (codes are public API)', () => {
    const doc = readFileSync(new URL('../../../docs/troubleshooting.md', import.meta.url), 'utf8');
    const missing = Object.values(CocalcErrorCode).filter((code) => !doc.includes(`| \`${code}\` |`));
    assert.deepEqual(missing, []);
  });
});
