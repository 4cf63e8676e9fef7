/**
 * A self-signed TLS certificate for local HTTPS, made with openssl (which scripts/setup.sh
 * installs). Used by `pnpm start` against a real CoCalc (the demo must be https to be answered by
 * CoCalc's kiosk bridge) and by the strict e2e deployment.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

/** A key pair on disk and in memory. */
export interface LocalCertificate {
  readonly key: Buffer;
  readonly cert: Buffer;
  readonly keyPath: string;
  readonly certPath: string;
  /** Whether this call made it (false: a still-valid one in `dir` was reused). */
  readonly created: boolean;
}

/** Options of {@link localCertificate}. */
export interface LocalCertificateOptions {
  /** Folder for `key.pem` and `cert.pem` (created). */
  readonly dir: string;
  /** Host names and IP addresses the certificate is for (subjectAltName); the first is the CN. */
  readonly names: readonly string[];
  /** Validity in days (default 30). */
  readonly days?: number;
  /**
   * Reuse a certificate already in `dir` when it covers every name and stays valid for another
   * day (default true): a browser that was told to accept it once keeps accepting it.
   */
  readonly reuse?: boolean;
}

/** Makes (or reuses) a self-signed certificate for `names` in `dir`. */
export function localCertificate(options: LocalCertificateOptions): LocalCertificate {
  const { dir, names } = options;
  if (names.length === 0) throw new TypeError('localCertificate needs at least one host name');
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  if ((options.reuse ?? true) && existsSync(keyPath) && existsSync(certPath)) {
    const cert = readFileSync(certPath);
    if (covers(cert, names)) return { key: readFileSync(keyPath), cert, keyPath, certPath, created: false };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const altNames = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
      '-days', String(options.days ?? 30), '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${altNames}`,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), keyPath, certPath, created: true };
}

function covers(pem: Buffer, names: readonly string[]): boolean {
  try {
    const x509 = new X509Certificate(pem);
    if (Date.parse(x509.validTo) < Date.now() + 86_400_000) return false;
    return names.every((n) => (isIP(n) ? x509.checkIP(n) : x509.checkHost(n, { wildcards: false })) !== undefined);
  } catch {
    return false;
  }
}
