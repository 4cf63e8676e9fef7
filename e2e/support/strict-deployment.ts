/**
 * A production-shaped deployment on one machine, for the `strict` Playwright project:
 *
 *   https://learn.example.com   (127.0.0.1:443) the host page, the element's single-file bundle,
 *                                 and the token backend mounted at /api (same origin, as behind
 *                                 one reverse proxy)
 *   https://cocalc.example.com  (127.0.0.2:443) the emulator in CoCalc's strict mode: modern
 *                                 generation (/auth/impersonate), iframe_comm_hosts =
 *                                 learn.example.com, no http relaxation, samesite strict
 *
 * The two names are one site (example.com), as a working deployment must be. (A made-up top-level
 * domain such as .test would not do: WebKit finds sites through the public suffix list and treats
 * every host under an unknown suffix as a site of its own, so it drops the kiosk's cookies.)
 * Chromium maps the names to the loopback addresses with --host-resolver-rules
 * (playwright.config.ts), Firefox reaches them through a host-map proxy on E2E_PROXY_PORT that
 * the deployment runs too, and WebKit's driver runs with its own /etc/hosts
 * (e2e/webkit/webkit-session.ts). Node cannot resolve them, so the backend reaches CoCalc through
 * a fetch that dials 127.0.0.2 with the right SNI.
 * The certificate is made with openssl at test time (scripts/local-certificate.ts, as `pnpm start`
 * does for the demo against a real CoCalc).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest, createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { build } from 'esbuild';
import { startEmulator, type RunningEmulator } from '@cocalc-embed/emulator';
import { createTokenApp, loadConfig } from '@cocalc-embed/server';
import { localCertificate } from '../../scripts/local-certificate.js';
import { startHostMapProxy } from './host-map-proxy.js';

export const HOST_ORIGIN = 'https://learn.example.com';
export const OTHER_ORIGIN = 'https://other.example.com';
export const COCALC_URL = 'https://cocalc.example.com';

/** Where each host name of the deployment lives (the strict project's DNS). */
export const HOST_ADDRESSES: Readonly<Record<string, string>> = {
  'learn.example.com': '127.0.0.1',
  'other.example.com': '127.0.0.1',
  'cocalc.example.com': '127.0.0.2',
};

/** A running strict deployment; `close()` stops everything and removes its files. */
export interface StrictDeployment {
  readonly emulator: RunningEmulator;
  close(): Promise<void>;
}

/**
 * Starts the deployment. `modern` (default) is CoCalc ≥ 2025-08-28: API v2 + conat, sign-in at
 * /auth/impersonate, SameSite=Strict. `classic` is CoCalc ≤ 2024-10-18: API v1, `?auth_token=` on
 * the kiosk URL, the `SameSite=None; Secure` cookie CoCalc set for iframes then.
 */
export async function startStrictDeployment(generation: 'classic' | 'modern' = 'modern'): Promise<StrictDeployment> {
  const dir = mkdtempSync(join(tmpdir(), 'cocalc-embed-strict-'));
  const { key, cert } = localCertificate({
    dir,
    names: [...Object.keys(HOST_ADDRESSES)],
    days: 2,
    reuse: false,
  });

  const emulator = await startEmulator({
    host: '127.0.0.2',
    port: 443,
    https: { key, cert },
    publicUrl: COCALC_URL,
    generation,
    iframeCommHosts: 'learn.example.com',
    devHttpOrigins: [],
    samesiteRememberMe: 'strict',
    dataDir: join(dir, 'emulator'),
  });

  const config = loadConfig({
    COCALC_URL,
    COCALC_API_KEY: emulator.apiKey,
    COCALC_EMBED_DATA_DIR: join(dir, 'server'),
  });
  const app = createTokenApp({
    config,
    // The site's own sign-in decides who the user is; here every visitor is one student.
    authenticate: async () => ({ userId: 'strict-student' }),
    fetch: fetchThroughLoopback(cert),
  });
  const api = getRequestListener(app.fetch);

  const bundle = await build({
    stdin: {
      contents: [
        "import '@cocalc-embed/element';",
        "import '@cocalc-embed/element/controls';",
        "import { diagnose } from '@cocalc-embed/element/diagnose';",
        // The page's Diagnose button lists findings as <li data-id>; inline script is not allowed by its CSP.
        "document.querySelector('#diagnose').addEventListener('click', async () => {",
        "  const findings = await diagnose(document.querySelector('#nb'));",
        "  document.querySelector('#diagnosis').replaceChildren(...findings.map((f) => {",
        "    const li = document.createElement('li'); li.dataset.id = f.id; li.textContent = f.message; return li;",
        "  }));",
        "});",
      ].join('\n'),
      resolveDir: fileURLToPath(new URL('../../packages/element/', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
  });
  const script = bundle.outputFiles[0]!.contents;

  const host: Server = createServer({ key, cert }, (req, res) => {
    const path = new URL(req.url ?? '/', HOST_ORIGIN).pathname;
    if (path.startsWith('/api/')) {
      void api(req, res);
      return;
    }
    if (path === '/cocalc-notebook.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    if (path === '/' || path === '/no-frame-src') {
      // The CSP a page author needs: the kiosk origin as frame-src, nothing inline, nothing else.
      // /no-frame-src is the same page with the kiosk origin missing from frame-src.
      const frameSrc = path === '/' ? COCALC_URL : "'self'";
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'self'; frame-src ${frameSrc}; connect-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'`,
      });
      res.end(HOST_PAGE);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    host.once('error', reject);
    host.listen(443, '127.0.0.1', () => resolve());
  });

  const proxyPort = Number(process.env.E2E_PROXY_PORT);
  const proxy = proxyPort ? await startHostMapProxy(proxyPort, HOST_ADDRESSES) : undefined;

  return {
    emulator,
    async close() {
      await proxy?.close();
      host.closeAllConnections();
      await new Promise((r) => host.close(r));
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const HOST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Course</title>
<script type="module" src="/cocalc-notebook.js"></script></head>
<body><main>
<h1>Course</h1>
<cocalc-notebook id="nb" path="intro.ipynb" ready-timeout="4000"></cocalc-notebook>
<button data-cocalc-for="nb" data-cocalc-action="open" data-cocalc-path="lab1.ipynb">Open Lab 1</button>
<button data-cocalc-for="nb" data-cocalc-action="closeall">Close all</button>
<button id="diagnose" type="button">Diagnose</button><ul id="diagnosis"></ul>
</main></body></html>`;

/**
 * `fetch` for the backend: requests to https://cocalc.example.com go to 127.0.0.2:443 with SNI
 * cocalc.example.com, trusting only the test certificate.
 */
function fetchThroughLoopback(ca: Buffer): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== COCALC_URL) throw new TypeError(`unexpected upstream ${url.origin}`);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.2',
          port: 443,
          servername: url.hostname,
          ca,
          method: request.method,
          path: url.pathname + url.search,
          headers: { ...Object.fromEntries(request.headers), host: url.host },
          signal: request.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
            const status = res.statusCode ?? 502;
            resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }) as typeof fetch;
}
