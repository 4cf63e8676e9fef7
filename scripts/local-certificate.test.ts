import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { localCertificate } from './local-certificate.js';

describe('local certificate for the HTTPS demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cocalc-embed-cert-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is made for exactly the names asked (host names and IP addresses)', () => {
    const made = localCertificate({ dir, names: ['localhost', '127.0.0.1'] });
    assert.equal(made.created, true);
    const x509 = new X509Certificate(made.cert);
    assert.equal(x509.checkHost('localhost'), 'localhost');
    assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x509.checkHost('evil.localhost'), undefined);
  });

  it('is reused while it covers the names (a browser that accepted it keeps accepting it), remade when it does not', () => {
    const first = localCertificate({ dir, names: ['localhost'] });
    assert.equal(first.created, false);
    const other = localCertificate({ dir, names: ['embed-demo.cocalc.example.edu'] });
    assert.equal(other.created, true);
    assert.equal(new X509Certificate(other.cert).checkHost('embed-demo.cocalc.example.edu'), 'embed-demo.cocalc.example.edu');
    assert.equal(localCertificate({ dir, names: ['localhost'], reuse: false }).created, true);
  });

  it('a damaged certificate file is replaced, not trusted', () => {
    writeFileSync(join(dir, 'cert.pem'), 'not a certificate');
    const made = localCertificate({ dir, names: ['localhost'] });
    assert.equal(made.created, true);
    assert.equal(new X509Certificate(made.cert).checkHost('localhost'), 'localhost');
  });

  it('refuses to make a certificate for no name', () => {
    assert.throws(() => localCertificate({ dir, names: [] }), /at least one host name/);
  });
});
