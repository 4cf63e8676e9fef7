import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CocalcError } from './cocalc-error.js';
import { cocalcOrigin, impersonateUrl, kioskUrl, normalizeCocalcUrl } from './kiosk-url.js';

const PID = '9b1c2f4e-0a5d-4c3b-8e7f-1a2b3c4d5e6f';
const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWx';

describe('kioskUrl', () => {
  it('builds CoCalc\'s project file URL with auth_token first, then session= and fullscreen=kiosk', () => {
    assert.equal(
      kioskUrl({ cocalcUrl: 'http://localhost:5180/', projectId: PID, path: 'intro.ipynb', authToken: TOKEN }),
      `http://localhost:5180/projects/${PID}/files/intro.ipynb?auth_token=${TOKEN}&session=&fullscreen=kiosk`,
    );
  });

  it('omits auth_token for the impersonate era', () => {
    assert.equal(
      kioskUrl({ cocalcUrl: 'https://cocalc.example.test/base', projectId: PID, path: 'a.md' }),
      `https://cocalc.example.test/base/projects/${PID}/files/a.md?session=&fullscreen=kiosk`,
    );
  });

  it('encodes the path segment by segment so & # % ? and unicode cannot inject parameters', () => {
    const url = kioskUrl({ cocalcUrl: 'https://c.test', projectId: PID, path: 'dir one/a&fullscreen=no#x%?ü.ipynb' });
    assert.equal(url, `https://c.test/projects/${PID}/files/dir%20one/a%26fullscreen%3Dno%23x%25%3F%C3%BC.ipynb?session=&fullscreen=kiosk`);
  });

  for (const [path, why] of [
    ['', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['a/../b', 'dot-dot'],
    ['a//b', 'empty segment'],
    ['a\nb', 'control character'],
  ] as const) {
    it(`refuses a ${why} path with INVALID_ARGUMENT naming the path`, () => {
      assert.throws(
        () => kioskUrl({ cocalcUrl: 'https://c.test', projectId: PID, path }),
        (err: unknown) => CocalcError.is(err, 'INVALID_ARGUMENT') && /path/.test(err.message),
      );
    });
  }

  it('refuses a project id that is not a UUID', () => {
    assert.throws(() => kioskUrl({ cocalcUrl: 'https://c.test', projectId: 'foo-bar', path: 'a' }), /projectId must be a UUID/);
  });

  it('refuses a token that is not 24 alphanumerics', () => {
    assert.throws(() => kioskUrl({ cocalcUrl: 'https://c.test', projectId: PID, path: 'a', authToken: 'x&fullscreen=no' }), /authToken/);
  });
});

describe('impersonateUrl', () => {
  it('is {base}/auth/impersonate?auth_token=…', () => {
    assert.equal(impersonateUrl({ cocalcUrl: 'https://c.test/b/', authToken: TOKEN }), `https://c.test/b/auth/impersonate?auth_token=${TOKEN}`);
  });
});

describe('normalizeCocalcUrl and cocalcOrigin', () => {
  it('lower-cases scheme and host, strips trailing slashes and default ports from the origin', () => {
    assert.equal(normalizeCocalcUrl('HTTPS://CoCalc.Example.test/Base/'), 'https://cocalc.example.test/Base');
    assert.equal(cocalcOrigin('https://cocalc.example.test:443/base'), 'https://cocalc.example.test');
    assert.equal(cocalcOrigin('http://localhost:5180'), 'http://localhost:5180');
  });

  for (const bad of ['javascript:alert(1)', 'https://c.test/?q=1', 'https://c.test/#x', 'ftp://c.test', 'https://user@c.test', 42]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => normalizeCocalcUrl(bad), (err: unknown) => CocalcError.is(err, 'INVALID_ARGUMENT'));
    });
  }
});
