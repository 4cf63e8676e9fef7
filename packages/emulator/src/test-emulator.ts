import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorOptions, RunningEmulator } from './emulator-options.js';
import { startEmulator } from './start-emulator.js';

/** A started emulator on an ephemeral port with a throw-away data folder, plus request helpers. */
export interface TestEmulator extends RunningEmulator {
  readonly dataDir: string;
  /** `fetch` relative to the emulator URL, never following redirects. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POST a JSON body with the admin key as Bearer (or the given Authorization header; `null` = none). */
  post(path: string, body: unknown, authorization?: string | null): Promise<Response>;
  /** Closes the emulator and deletes its data folder. */
  dispose(): Promise<void>;
}

/** Starts an emulator for a test (port 0, temp data dir); pass `dataDir` to reuse one. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cocalc-emulator-test-'));
  const emulator = await startEmulator({ port: 0, ...options, dataDir });
  const request = (path: string, init: RequestInit = {}) => fetch(`${emulator.url}${path}`, { redirect: 'manual', ...init });
  return {
    url: emulator.url,
    apiKey: emulator.apiKey,
    controls: emulator.controls,
    admin: emulator.admin,
    close: () => emulator.close(),
    dataDir,
    request,
    post: (path, body, authorization = `Bearer ${emulator.apiKey}`) =>
      request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
        body: JSON.stringify(body),
      }),
    async dispose() {
      await emulator.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** HTTP Basic header with the key as user name and an empty password, as CoCalc's docs use it. */
export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/** What {@link httpsGet} returns: enough of a response for header and body checks. */
export interface HttpsAnswer {
  readonly status: number;
  readonly setCookie: string[];
  readonly contentType: string;
  readonly body: string;
}

/**
 * Starts an emulator that serves HTTPS on 127.0.0.1 with a throw-away self-signed certificate
 * (made with openssl), and a `get` that trusts exactly that certificate.
 */
export async function startHttpsTestEmulator(
  options: EmulatorOptions = {},
): Promise<TestEmulator & { get(path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<HttpsAnswer> }> {
  const certDir = mkdtempSync(join(tmpdir(), 'cocalc-emulator-cert-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
      '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  const key = readFileSync(join(certDir, 'key.pem'));
  const cert = readFileSync(join(certDir, 'cert.pem'));
  rmSync(certDir, { recursive: true, force: true });
  const emu = await startTestEmulator({ ...options, host: 'localhost', https: { key, cert } });
  const get = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<HttpsAnswer>((resolve, reject) => {
      const req = httpsRequest(`${emu.url}${path}`, { ca: cert, method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            setCookie: res.headers['set-cookie'] ?? [],
            contentType: res.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('error', reject);
      req.end(init.body);
    });
  return Object.assign(emu, { get });
}
