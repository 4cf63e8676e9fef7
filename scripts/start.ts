/**
 * `pnpm start`: the whole product on the embedded defaults, on one machine with no network.
 *
 *   emulator  http://localhost:5180   (a local CoCalc; skipped when COCALC_URL is set)
 *   backend   http://127.0.0.1:8787   (token endpoint, holds the API key)
 *   demo      http://localhost:5173   (Vite on 127.0.0.1:5173; proxies /api to the backend, so the token
 *                                     endpoint is same-origin)
 *
 * Page and kiosk are different origins but the same site (localhost), as a working production
 * deployment must be: CoCalc signs the kiosk in with cookies, and browsers drop cookies in a
 * cross-site iframe (Chromium 156 here does, whatever SameSite says). Opening the demo at
 * http://127.0.0.1:5173 instead makes it cross-site, and the element then reports SESSION_BLOCKED.
 * The API key comes from COCALC_API_KEY or is generated here and handed to both the emulator (as its
 * admin key) and the backend.
 */
import { randomBytes } from 'node:crypto';
import concurrently from 'concurrently';

const EMULATOR_URL = 'http://localhost:5180';
const DEMO_URL = 'http://localhost:5173';
const BACKEND_URL = 'http://127.0.0.1:8787';

const realCocalc = process.env.COCALC_URL;
let apiKey = process.env.COCALC_API_KEY;
let generated = false;
if (!apiKey) {
  if (realCocalc) {
    console.error('COCALC_URL is set but COCALC_API_KEY is not: a real CoCalc needs the API key of an admin account.');
    process.exit(2);
  }
  // CoCalc's newer key format: "sk-" and random alphanumerics (cocalc-reference.md §3.1).
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  apiKey = 'sk-' + Array.from(randomBytes(24), (b) => alphabet[b % alphabet.length]).join('');
  generated = true;
}

const env = { ...process.env, COCALC_API_KEY: apiKey, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' };
const commands = [];
if (!realCocalc) {
  commands.push({
    name: 'emulator',
    command: 'pnpm --silent --filter @cocalc-embed/emulator start',
    env: {
      ...env,
      EMULATOR_PORT: '5180',
      // The demo page is plain http; CoCalc admits only https origins, so the emulator's explicit
      // development relaxation admits exactly the demo's origins (strict mode, in e2e, runs
      // without it). 127.0.0.1 is admitted too so that opening the demo there shows the real
      // cross-site failure (the session cookie is dropped), not a silent origin block.
      EMULATOR_DEV_HTTP_ORIGINS: process.env.EMULATOR_DEV_HTTP_ORIGINS ?? `${DEMO_URL},http://127.0.0.1:5173`,
    },
    prefixColor: 'magenta',
  });
}
commands.push({
  name: 'backend',
  command: 'pnpm --silent --filter @cocalc-embed/server start',
  env: {
    ...env,
    PORT: '8787',
    HOST: '127.0.0.1',
    COCALC_URL: realCocalc ?? EMULATOR_URL,
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
  env: { ...env, VITE_EMULATOR_URL: realCocalc ? '' : EMULATOR_URL, VITE_BACKEND_URL: BACKEND_URL },
  prefixColor: 'green',
});

console.log(
  [
    '',
    `cocalc-embed: starting ${realCocalc ? `against ${realCocalc}` : 'with the local CoCalc emulator'}`,
    generated ? `  API key (generated for this run; set COCALC_API_KEY to choose one): ${apiKey}` : '  API key: from COCALC_API_KEY',
    `  open ${DEMO_URL}/ in a browser once the three services are up (Ctrl-C stops them all)`,
    '',
  ].join('\n'),
);

const { result } = concurrently(commands, { killOthersOn: ['failure', 'success'], prefix: 'name', restartTries: 0 });
result.then(
  () => process.exit(0),
  () => process.exit(1),
);
