// A deliberately small CoCalc stand-in served by the WTR dev server itself (same origin as the test
// page), used for element tests that need to look inside the kiosk frame (URL encoding, token
// residue, sandbox) and a token endpoint whose failure modes tests pick per request. The real
// emulator and token server are used by the integration tests; this one lets us observe details
// a cross-origin kiosk hides.
import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function newToken() {
  const bytes = randomBytes(24);
  return Array.from(bytes, (b) => ALNUM[b % ALNUM.length]).join('');
}

/** @returns {{ middleware: (ctx: any, next: () => Promise<void>) => Promise<void> }} */
export function createFakeCocalc() {
  const projectId = randomUUID();
  /** token -> expiry (ms since epoch) */
  const tokens = new Map();
  const sessions = new Set();
  /** counters and logs by name, read by tests through /fake/__state */
  const state = { tokenRequests: {}, kioskLoads: [], impersonateLoads: 0, lastTokenRequest: null };
  /**
   * How the next kiosk pages behave (set by GET /fake/__kiosk?…, cleared by /fake/__reset):
   * `slowLoad` ms an image holds the document's load event back (a real CoCalc answers `status`
   * before its load), `firstStatus=connecting` makes the first status reply `connecting` without
   * `status_time` (as a real CoCalc's is), `reportPermissions` makes the page post, once loaded,
   * what its permissions policy allows it, `signedOut=1` makes every kiosk signed out the way a
   * current CoCalc is: status answered `disconnected`, `open` never answered.
   */
  let kioskMode = {};

  function kioskPage(signedIn, host) {
    const slowLoad = Math.min(Number(kioskMode.slowLoad) || 0, 5_000);
    return `<!doctype html><html><head><meta charset="utf-8"><title>fake kiosk</title></head><body>
<p id="who">${signedIn ? 'signed in' : 'not signed in'}</p>
${slowLoad ? `<img alt="" src="/fake/slow?ms=${slowLoad}">` : ''}
<script>
const HOST = ${JSON.stringify(host)};
const FIRST_STATUS = ${JSON.stringify(kioskMode.firstStatus ?? 'connected')};
window.__received = [];
const open = new Set();
const params = new URLSearchParams(location.search);
if (${kioskMode.reportPermissions === '1'}) window.addEventListener('load', () => {
  const policy = document.featurePolicy;
  const allows = (f) => (policy ? policy.allowsFeature(f) : null);
  parent.postMessage({ fakeKioskTest: 'permissions', origin: location.origin, fullscreenEnabled: document.fullscreenEnabled,
    fullscreen: allows('fullscreen'), clipboardRead: allows('clipboard-read'), clipboardWrite: allows('clipboard-write') }, HOST);
});
if (location.pathname.includes('attack-top')) {
  let result;
  try { top.location.href = HOST + '/fake/hijacked'; result = 'attempted'; } catch (e) { result = 'blocked:' + e.name; }
  parent.postMessage({ fakeKioskTest: 'top-nav', result }, HOST);
}
if (${!signedIn && kioskMode.signedOut === '1'}) window.addEventListener('message', (e) => {
  if (e.origin !== HOST || !e.data || e.data.action !== 'status') return;
  e.source.postMessage({ status: 'done', connection: { quality: 'good', status: 'disconnected', status_time: new Date() }, open_files: {} }, e.origin);
});
if (${signedIn}) window.addEventListener('message', (e) => {
  if (e.origin !== HOST) return;
  const d = e.data;
  if (!d || typeof d !== 'object') return;
  const reply = (m) => e.source.postMessage(m, e.origin);
  window.__received.push(d);
  if (d.action === 'status' && FIRST_STATUS === 'connecting' && !window.__answeredStatus) {
    window.__answeredStatus = true;
    reply({ status: 'done', connection: { quality: 'good', status: 'connecting' }, open_files: {} });
  } else if (d.action === 'status') reply({ status: 'done', connection: { quality: 'good', status: 'connected', status_time: new Date(), ping: 5 }, open_files: open.size ? { [${JSON.stringify(projectId)}]: [...open] } : {} });
  else if (d.action === 'closeall') { open.clear(); reply({ status: 'done', mesg: 'all files are closed' }); }
  else if (d.action === 'open') {
    reply({ status: 'ack', action: 'open', path: d.path, project_id: d.project_id });
    setTimeout(() => { open.add(d.path); reply({ status: 'done', action: 'open', path: d.path, project_id: d.project_id }); }, 20);
  }
});
</script></body></html>`;
  }

  async function tokenEndpoint(ctx, mode) {
    state.tokenRequests[mode] = (state.tokenRequests[mode] ?? 0) + 1;
    const body = await readBody(ctx.req);
    state.lastTokenRequest = {
      method: ctx.method,
      contentType: ctx.get('content-type'),
      embedHeader: ctx.get('x-cocalc-embed'),
      cacheControl: ctx.get('cache-control'),
      pragma: ctx.get('pragma'),
      body,
    };
    const q = ctx.query;
    const delay = Number(q.delay ?? 0);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const origin = `${ctx.protocol}://${ctx.host}`;
    // ?kioskHost=127.0.0.1: CoCalc on another origin of this same server (cross-origin kiosk).
    const cocalcOrigin = q.kioskHost === '127.0.0.1' ? `${ctx.protocol}://127.0.0.1:${ctx.host.split(':')[1]}` : origin;
    const ok = () => {
      const token = newToken();
      const expiresIn = Number(q.expiresIn ?? 600);
      tokens.set(token, Date.now() + expiresIn * 1000);
      let path = 'intro.ipynb';
      try { path = JSON.parse(body).path; } catch { /* not JSON: keep the default path */ }
      return {
        token,
        expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
        expiresIn,
        cocalcUrl: `${cocalcOrigin}/fake/cocalc`,
        projectId,
        path,
        signIn: q.signIn === 'impersonate' ? 'impersonate' : 'url',
      };
    };
    const json = (status, value, headers = {}) => {
      ctx.status = status;
      ctx.set('content-type', 'application/json');
      for (const [k, v] of Object.entries(headers)) ctx.set(k, v);
      ctx.body = JSON.stringify(value);
    };
    const text = (status, type, value) => {
      ctx.status = status;
      ctx.set('content-type', type);
      ctx.body = value;
    };
    const scripted = '<html><body><h1>Bad gateway</h1><img src=x onerror="window.__pwned=1"></body></html>';
    switch (mode) {
      case 'ok': return json(200, ok());
      case '401': return json(401, { error: { code: 'UNAUTHENTICATED', message: 'Sign in first.' } });
      case '403': return json(403, { error: { code: 'FORBIDDEN', message: 'Not allowed.' } });
      case '500-html': return text(500, 'text/html', scripted);
      case '502-html': return text(502, 'text/html', scripted);
      case '200-html': return text(200, 'text/html', scripted);
      case 'bad-json': return text(200, 'application/json', '{"token": "abc",');
      case 'no-token': { const rest = ok(); delete rest.token; return json(200, rest); }
      case 'bad-token': return json(200, { ...ok(), token: 'abc&fullscreen=evil#x' });
      case 'bad-project': return json(200, { ...ok(), projectId: '../../admin' });
      case '429': return json(429, { error: { code: 'RATE_LIMITED', message: 'Slow down.' } }, { 'retry-after': String(q.retryAfter ?? 1) });
      case 'slow': await new Promise((r) => setTimeout(r, 30_000)); return json(200, ok());
      // HTTP 202 while the backend provisions: the first ?times= requests (default 1), then a token.
      case 'provisioning': {
        const retryAfter = Number(q.retryAfter ?? 1);
        if (state.tokenRequests[mode] <= Number(q.times ?? 1)) {
          return json(202, { status: 'provisioning', retryAfter }, { 'retry-after': String(q.header ?? retryAfter) });
        }
        return json(200, ok());
      }
      case 'provisioning-forever': return json(202, { status: 'provisioning', retryAfter: 1 }, { 'retry-after': '1' });
      case 'provisioning-bad-body': return json(202, { status: 'working', retryAfter: 1 }, { 'retry-after': '1' });
      case 'provisioning-huge': return json(202, { status: 'provisioning', retryAfter: 86_400 }, { 'retry-after': '86400' });
      case 'flaky': return (state.tokenRequests[mode] % 2 === 1) ? text(503, 'text/plain', 'busy') : json(200, ok());
      default: return json(404, { error: { code: 'NOT_FOUND', message: 'unknown mode' } });
    }
  }

  async function middleware(ctx, next) {
    const url = new URL(ctx.url, 'http://x');
    const origin = `${ctx.protocol}://${ctx.host}`;
    if (url.pathname.startsWith('/fake/token/')) return tokenEndpoint(ctx, url.pathname.slice('/fake/token/'.length));
    if (url.pathname === '/fake/__state') {
      ctx.set('content-type', 'application/json');
      ctx.body = JSON.stringify(state);
      return;
    }
    if (url.pathname === '/fake/__kiosk') {
      kioskMode = Object.fromEntries(url.searchParams);
      ctx.body = 'ok';
      return;
    }
    if (url.pathname === '/fake/slow') {
      // A 1×1 GIF after ?ms= (at most 5 s): holds the kiosk page's load event back.
      await new Promise((r) => setTimeout(r, Math.min(Number(url.searchParams.get('ms')) || 0, 5_000)));
      ctx.set('content-type', 'image/gif');
      ctx.set('cache-control', 'no-store');
      ctx.body = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
      return;
    }
    if (url.pathname === '/fake/__reset') {
      kioskMode = {};
      state.tokenRequests = {}; state.kioskLoads = []; state.impersonateLoads = 0; state.lastTokenRequest = null;
      ctx.body = 'ok';
      return;
    }
    if (url.pathname === '/fake/__end-sessions') {
      // CoCalc's sign-in cookie ran out: kiosks load signed out (no bridge) until a new sign-in.
      sessions.clear();
      ctx.body = 'ok';
      return;
    }
    if (url.pathname === '/fake/__expire') {
      for (const t of tokens.keys()) tokens.set(t, 0);
      ctx.body = 'ok';
      return;
    }
    if (url.pathname === '/fake/cocalc/auth/impersonate') {
      state.impersonateLoads++;
      const token = url.searchParams.get('auth_token') ?? '';
      const expiry = tokens.get(token);
      ctx.set('content-type', 'text/html');
      if (!expiry || expiry < Date.now()) {
        ctx.set('content-type', 'text/plain');
        ctx.body = 'ERROR: impersonate error -- Error: unknown or expired token';
        return;
      }
      const sid = randomUUID();
      sessions.add(sid);
      ctx.set('set-cookie', `fake_session=${sid}; Path=/fake/cocalc; HttpOnly; SameSite=Strict`);
      ctx.body = `<!doctype html><html><body><script>window.onload=()=>{location.href=${JSON.stringify(origin + '/fake/cocalc/app')}}</script></body></html>`;
      return;
    }
    if (url.pathname === '/fake/cocalc/app') {
      ctx.set('content-type', 'text/html');
      ctx.body = '<!doctype html><title>app</title><p>app</p>';
      return;
    }
    if (url.pathname.startsWith('/fake/cocalc/projects/')) {
      const token = url.searchParams.get('auth_token');
      const cookie = /(?:^|;\s*)fake_session=([^;]+)/.exec(ctx.get('cookie') ?? '')?.[1];
      const expiry = token ? tokens.get(token) : undefined;
      const signedIn = kioskMode.signedOut === '1' ? false : token ? Boolean(expiry && expiry > Date.now()) : Boolean(cookie && sessions.has(cookie));
      state.kioskLoads.push({ url: url.pathname + url.search, referer: ctx.get('referer') ?? '', signedIn });
      // The page embedding the kiosk is always http://localhost:<port> (the WTR page). Written
      // directly: WTR's cache middleware would otherwise mark a path like `intro.ipynb` cacheable for
      // a year, and a second kiosk on the same URL (impersonate era) would get the first one's page.
      ctx.respond = false;
      ctx.res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      ctx.res.end(kioskPage(signedIn, `${ctx.protocol}://localhost:${ctx.host.split(':')[1]}`));
      return;
    }
    if (url.pathname === '/fake/hijacked') {
      ctx.set('content-type', 'text/html');
      ctx.body = '<p>hijacked</p>';
      return;
    }
    return next();
  }

  return { middleware };
}

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', () => resolve(data));
  });
}
