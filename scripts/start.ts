/**
 * `pnpm start`: the whole product in one command.
 *
 * Without COCALC_URL, on the embedded defaults, on one machine with no network:
 *   emulator  http://localhost:5180   (a local CoCalc, modern generation: /auth/impersonate sign-in;
 *                                     EMULATOR_GENERATION=classic plays CoCalc ≤ 2024-10-18)
 *   backend   http://127.0.0.1:8787   (token endpoint, holds the API key)
 *   demo      http://localhost:5173   (Vite on 127.0.0.1:5173; proxies /api to the backend, so the token
 *                                     endpoint is same-origin)
 * Page and kiosk are different origins but the same site (localhost), as a working production
 * deployment must be: CoCalc signs the kiosk in with cookies, and browsers drop cookies in a
 * cross-site iframe. Opening the demo at http://127.0.0.1:5173 instead makes it cross-site, and the
 * element then reports SESSION_BLOCKED. The emulator's explicit development relaxation admits the
 * demo's http origins; a real CoCalc never answers an http page.
 *
 * With COCALC_URL=https://… and COCALC_API_KEY (an admin key), against that CoCalc: no emulator,
 * and the demo is served over HTTPS on the same site as CoCalc (https://localhost for a CoCalc on
 * localhost, port 443 by default: CoCalc's bridge answers only pages on the default port), with a
 * certificate made here with openssl. It prints what CoCalc's operator must set. See start-plan.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import concurrently from 'concurrently';
import { localCertificate, type LocalCertificate } from './local-certificate.js';
import { checkSiteSettings, type SettingCheck } from './site-settings-check.js';
import { planStart, type StartPlan } from './start-plan.js';

const plan = planStart(process.env);
if (plan.problems.length > 0) {
  console.error(['cocalc-embed: cannot start:', ...plan.problems.map((p) => `  - ${p}`)].join('\n'));
  process.exit(2);
}

let apiKey = process.env.COCALC_API_KEY;
let generated = false;
if (!apiKey) {
  // CoCalc's newer key format: "sk-" and random alphanumerics.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  apiKey = 'sk-' + Array.from(randomBytes(24), (b) => alphabet[b % alphabet.length]).join('');
  generated = true;
}

let certificate: LocalCertificate | undefined;
if (plan.mode === 'real') {
  await ensurePortFree(plan);
  certificate = localCertificate({
    dir: process.env.DEMO_CERT_DIR || fileURLToPath(new URL('../data/demo-https', import.meta.url)),
    names: plan.certificateNames,
  });
}

const BACKEND_URL = `http://127.0.0.1:${plan.backendPort}`;
const env = { ...process.env, COCALC_API_KEY: apiKey, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' };
const commands = [];
if (plan.mode === 'emulator') {
  commands.push({
    name: 'emulator',
    command: 'pnpm --silent --filter @cocalc-embed/emulator start',
    env: {
      ...env,
      EMULATOR_PORT: String(plan.emulatorPort),
      EMULATOR_GENERATION: plan.generation,
      // The demo page is plain http; CoCalc admits only https origins, so the emulator's explicit
      // development relaxation admits exactly the demo's origins (strict mode, in e2e, runs
      // without it). 127.0.0.1 is admitted too so that opening the demo there shows the real
      // cross-site failure (the session cookie is dropped), not a silent origin block.
      EMULATOR_DEV_HTTP_ORIGINS:
        process.env.EMULATOR_DEV_HTTP_ORIGINS ?? `http://localhost:${plan.demoPort},http://127.0.0.1:${plan.demoPort}`,
    },
    prefixColor: 'magenta',
  });
}
commands.push({
  name: 'backend',
  command: 'pnpm --silent --filter @cocalc-embed/server start',
  env: {
    ...env,
    PORT: String(plan.backendPort),
    HOST: '127.0.0.1',
    COCALC_URL: plan.cocalcUrl,
    COCALC_EMBED_DEMO_AUTH: process.env.COCALC_EMBED_DEMO_AUTH ?? '1',
    COCALC_EMBED_TRUSTED_PROXIES: process.env.COCALC_EMBED_TRUSTED_PROXIES ?? '127.0.0.1', // the demo's Vite proxy
    // The production default (10 mints per user per minute, burst 5) is meant to stop scripted
    // abuse; one person clicking through the demo's pages and failure switches as alice passes it
    // within a minute and would meet RATE_LIMITED. The demo allows a person's pace, no more.
    COCALC_EMBED_RATE_USER_PER_MIN: process.env.COCALC_EMBED_RATE_USER_PER_MIN ?? '120',
    COCALC_EMBED_RATE_USER_BURST: process.env.COCALC_EMBED_RATE_USER_BURST ?? '30',
  },
  prefixColor: 'cyan',
});
commands.push({
  name: 'demo',
  command: 'pnpm --silent --filter @cocalc-embed/demo dev',
  env: {
    ...env,
    VITE_EMULATOR_URL: plan.mode === 'emulator' ? plan.cocalcUrl : '',
    VITE_BACKEND_URL: BACKEND_URL,
    DEMO_PORT: String(plan.demoPort),
    ...(certificate
      ? { DEMO_HTTPS_KEY_FILE: certificate.keyPath, DEMO_HTTPS_CERT_FILE: certificate.certPath, DEMO_HOST: plan.pageHost }
      : {}),
  },
  prefixColor: 'green',
});

const siteChecks = plan.mode === 'real' ? await readSiteSettings(plan) : undefined;
console.log(banner(plan).join('\n'));

const { result } = concurrently(commands, { killOthersOn: ['failure', 'success'], prefix: 'name', restartTries: 0 });
result.then(
  () => process.exit(0),
  () => process.exit(1),
);

function banner(p: StartPlan): string[] {
  const lines = [''];
  const key = generated ? `  API key (generated for this run; set COCALC_API_KEY to choose one): ${apiKey}` : '  API key: from COCALC_API_KEY';
  if (p.mode === 'emulator') {
    lines.push(`cocalc-embed: starting with the local CoCalc emulator (${p.generation} generation) at ${p.cocalcUrl}`, key);
    lines.push(`  open ${p.demoUrl} in a browser once the three services are up (Ctrl-C stops them all)`, '');
    return lines;
  }
  lines.push(`cocalc-embed: starting against ${p.cocalcUrl} (no emulator)`, key);
  lines.push(`  demo page: ${p.demoUrl} over HTTPS, certificate ${certificate!.certPath} (${certificate!.created ? 'made now' : 'reused'})`);
  lines.push(`  The page must be on the same site as CoCalc: ${p.demoUrl} and ${p.cocalcUrl} are.`);
  lines.push('', '  CoCalc\'s operator must set (Admin → Site Settings):');
  const width = Math.max(...p.operatorSettings.map((s) => s.name.length));
  for (const s of p.operatorSettings) lines.push(`    ${s.name.padEnd(width)} = ${s.value}`, `    ${''.padEnd(width)}   (${s.why})`);
  lines.push('  and a reverse proxy in front of CoCalc, if any, must let the page frame it', `  (Content-Security-Policy: frame-ancestors ${new URL(p.demoUrl).origin}).`);
  lines.push('', `  What ${p.cocalcUrl}/customize says now:`);
  for (const c of siteChecks ?? []) lines.push(`    ${c.ok === undefined ? '?' : c.ok ? 'ok ' : 'FIX'} ${c.name} ${c.detail}`);
  lines.push('');
  for (const note of p.notes) lines.push(`  note: ${note}`);
  lines.push(`  open ${p.demoUrl} in a browser once the services are up (Ctrl-C stops them all)`, '');
  return lines;
}

/** CoCalc's published site settings, checked against the plan; a failure to read them is one line, never fatal. */
async function readSiteSettings(p: StartPlan): Promise<SettingCheck[]> {
  try {
    const res = await fetch(`${p.cocalcUrl}/customize`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return checkSiteSettings(p, await res.json());
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const hint = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(cause ?? '') ? ': Node does not trust its certificate, set NODE_EXTRA_CA_CERTS' : '';
    return [{ name: 'site settings', ok: undefined, detail: `could not be read (${cause ?? (error as Error).message})${hint}` }];
  }
}

/** Fails early, with the fixes, when the demo's port cannot be bound (443 needs privileges). */
async function ensurePortFree(p: StartPlan): Promise<void> {
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(e));
    probe.listen(p.demoPort, '127.0.0.1', () => probe.close(() => resolve(undefined)));
  });
  if (!error) return;
  const why =
    error.code === 'EACCES'
      ? [
          `port ${p.demoPort} needs privileges on this system. CoCalc's kiosk bridge answers only pages on port 443, so either:`,
          '    - run as root, or',
          '    - allow unprivileged ports from 443 once: sudo sysctl -w net.ipv4.ip_unprivileged_port_start=443, or',
          '    - let node bind it: sudo setcap cap_net_bind_service=+ep "$(command -v node)", or',
          `    - set DEMO_PORT=8443 and forward 443 to it (e.g. a reverse proxy), keeping the page at https://${p.pageHost}/`,
        ]
      : error.code === 'EADDRINUSE'
        ? [`port ${p.demoPort} is in use on 127.0.0.1: stop what listens there, or set DEMO_PORT (CoCalc then needs 443 forwarded to it)`]
        : [`cannot listen on port ${p.demoPort}: ${error.message}`];
  console.error(['cocalc-embed: cannot start the demo over HTTPS:', ...why.map((l) => (l.startsWith('    ') ? l : `  - ${l}`))].join('\n'));
  process.exit(2);
}
