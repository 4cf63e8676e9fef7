/**
 * What `pnpm start` runs, decided from the environment alone (no side effects, so it is tested
 * case by case): the local emulator on the embedded defaults, or a real CoCalc with the demo served
 * over HTTPS on the same site, plus the exact settings that CoCalc's operator must make.
 */
import { isIP } from 'node:net';

/** Which CoCalc the local emulator plays. */
export type EmulatorGeneration = 'classic' | 'modern';

/** One CoCalc site setting the operator must make (Admin → Site Settings). */
export interface OperatorSetting {
  readonly name: string;
  readonly value: string;
  readonly why: string;
}

/** The plan `scripts/start.ts` carries out. */
export interface StartPlan {
  /** `emulator`: everything local over http; `real`: COCALC_URL, the demo on https. */
  readonly mode: 'emulator' | 'real';
  /** The CoCalc the backend and the element talk to (normalised, no trailing slash). */
  readonly cocalcUrl: string;
  /** The emulator's generation (emulator mode only). */
  readonly generation: EmulatorGeneration | undefined;
  readonly emulatorPort: number;
  readonly backendPort: number;
  /** The port the demo listens on. */
  readonly demoPort: number;
  /** Host name the demo page must be opened at. */
  readonly pageHost: string;
  /** URL to open in a browser. */
  readonly demoUrl: string;
  /** Host names the demo's certificate must cover (real mode), else empty. */
  readonly certificateNames: readonly string[];
  /** Settings CoCalc's operator must make (real mode), else empty. */
  readonly operatorSettings: readonly OperatorSetting[];
  /** What the person running it must know or do on their own machine. */
  readonly notes: readonly string[];
  /** Configuration that cannot work; `pnpm start` prints them and exits 2. */
  readonly problems: readonly string[];
}

/** Ports on the embedded defaults. */
export const DEFAULT_PORTS = { emulator: 5180, backend: 8787, demo: 5173, demoHttps: 443 } as const;

/**
 * Plans a start from `env`: `COCALC_URL` (+ `COCALC_API_KEY`) selects a real CoCalc; otherwise
 * `EMULATOR_GENERATION` (default `modern`, the CoCalc users run today). `DEMO_HOST`, `DEMO_PORT`,
 * `BACKEND_PORT` and `EMULATOR_PORT` override the defaults.
 */
export function planStart(env: Readonly<Record<string, string | undefined>>): StartPlan {
  const problems: string[] = [];
  const port = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      problems.push(`${name} must be a port number 1–65535`);
      return fallback;
    }
    return n;
  };
  const emulatorPort = port('EMULATOR_PORT', DEFAULT_PORTS.emulator);
  const backendPort = port('BACKEND_PORT', DEFAULT_PORTS.backend);

  const real = env.COCALC_URL;
  if (!real) {
    const generation = (env.EMULATOR_GENERATION || 'modern') as EmulatorGeneration;
    if (generation !== 'classic' && generation !== 'modern') problems.push(`EMULATOR_GENERATION must be 'modern' or 'classic'`);
    if (env.DEMO_HOST) problems.push('DEMO_HOST only applies with COCALC_URL (the emulator demo is http://localhost)');
    const demoPort = port('DEMO_PORT', DEFAULT_PORTS.demo);
    return {
      mode: 'emulator',
      cocalcUrl: `http://localhost:${emulatorPort}`,
      generation,
      emulatorPort,
      backendPort,
      demoPort,
      pageHost: 'localhost',
      demoUrl: `http://localhost:${demoPort}/`,
      certificateNames: [],
      operatorSettings: [],
      notes: [],
      problems,
    };
  }

  let cocalc: URL | undefined;
  try {
    cocalc = new URL(real);
  } catch {
    problems.push('COCALC_URL is not a URL');
  }
  if (!env.COCALC_API_KEY) problems.push('COCALC_URL is set but COCALC_API_KEY is not: a real CoCalc needs the API key of an admin account');
  if (cocalc && cocalc.protocol !== 'https:') {
    problems.push(
      'COCALC_URL must be https://: CoCalc signs the kiosk in with cookies a browser does not send from an https page to an http CoCalc, ' +
        'and its kiosk bridge never answers an http page',
    );
  }
  const cocalcHost = cocalc?.hostname.replace(/^\[|\]$/g, '') ?? 'localhost';
  const pageHost = env.DEMO_HOST || defaultPageHost(cocalcHost);
  const demoPort = port('DEMO_PORT', DEFAULT_PORTS.demoHttps);
  const demoUrl = `https://${isIP(pageHost) === 6 ? `[${pageHost}]` : pageHost}${demoPort === 443 ? '' : `:${demoPort}`}/`;
  const cocalcUrl = cocalc ? `${cocalc.origin}${cocalc.pathname.replace(/\/+$/, '')}` : real;
  const notes: string[] = [];
  if (!looksSameSite(pageHost, cocalcHost)) {
    notes.push(
      `DEMO_HOST=${pageHost} does not look like the same site as CoCalc (${cocalcHost}): browsers drop CoCalc's sign-in cookies in a ` +
        `cross-site iframe, and the element will report SESSION_BLOCKED. Use a name under ${cocalcHost}'s domain`,
    );
  }
  if (demoPort !== 443) {
    notes.push(
      `DEMO_PORT=${demoPort}: CoCalc's kiosk bridge answers only pages on the default https port (443), so the kiosk will load but never ` +
        `answer at ${demoUrl} unless port 443 of ${pageHost} is forwarded here`,
    );
  }
  if (pageHost !== 'localhost' && !isIP(pageHost)) {
    notes.push(
      `${pageHost} must reach this machine: add "127.0.0.1 ${pageHost}" to /etc/hosts, or start Chromium with ` +
        `--host-resolver-rules="MAP ${pageHost} 127.0.0.1"`,
    );
  }
  notes.push('The browser warns about the demo\'s certificate (made on this machine): accept it once, or trust the printed cert.pem.');
  notes.push(
    'If CoCalc\'s certificate is not one Node trusts (self-signed, a local CA), start with NODE_EXTRA_CA_CERTS=<its CA or cert .pem> ' +
      'so the token backend can reach it; the browser must trust it too (open CoCalc once in it).',
  );

  const cocalcHostPort = cocalc?.host ?? cocalcHost;
  return {
    mode: 'real',
    cocalcUrl,
    generation: undefined,
    emulatorPort,
    backendPort,
    demoPort,
    pageHost,
    demoUrl,
    certificateNames: isIP(pageHost) || pageHost !== 'localhost' ? [pageHost] : ['localhost', '127.0.0.1'],
    operatorSettings: [
      {
        name: 'iframe_comm_hosts',
        value: pageHost,
        why: `CoCalc's kiosk answers the page's postMessage calls only from listed hosts; keep any entries already there, space-separated`,
      },
      {
        name: 'dns',
        value: cocalcHostPort,
        why: `/auth/impersonate sends the signed-in iframe to https://<dns>/app; empty sends it to "https:/app"`,
      },
      {
        name: 'samesite_remember_me',
        value: 'strict (the default) or lax',
        why: `the page (${pageHost}) and CoCalc (${cocalcHost}) are the same site, so CoCalc's cookies reach the kiosk; never "none"`,
      },
    ],
    notes,
    problems,
  };
}

/**
 * A page host on the same site as `cocalcHost`: `localhost` for a local CoCalc (ports do not make
 * sites), the same address for an IP, else a subdomain of CoCalc's host (always the same
 * registrable domain, whatever the public-suffix list says).
 */
function defaultPageHost(cocalcHost: string): string {
  if (cocalcHost === 'localhost' || cocalcHost.endsWith('.localhost')) return 'localhost';
  if (isIP(cocalcHost)) return cocalcHost;
  return `embed-demo.${cocalcHost}`;
}

/**
 * A guess at "same site" without the public-suffix list: equal hosts, or the same last two labels
 * (`learn.example.edu` and `cocalc.example.edu`). It only decides whether to warn: under a
 * two-label public suffix (`a.co.uk`, `b.co.uk`) it says yes wrongly, and the element will then
 * report SESSION_BLOCKED.
 */
function looksSameSite(a: string, b: string): boolean {
  if (a === b) return true;
  if (isIP(a) || isIP(b)) return false;
  const site = (h: string) => h.split('.').slice(-2).join('.');
  return site(a) === site(b);
}
