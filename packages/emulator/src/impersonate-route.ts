import { ACCOUNT_ID_COOKIE_NAME, cookieName, REMEMBER_ME_COOKIE_NAME } from './cookie-name.js';
import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { appendSetCookie, escapeHtml, sendHtml, serializeCookie } from './http-io.js';
import { sendNotFoundPage } from './next-not-found.js';
import { redeemAuthToken } from './user-auth-token.js';

/** The session an impersonation creates lasts 12 h (`createRememberMeCookie(account_id, 12 * 3600)`). */
const SESSION_TTL_SECONDS = 12 * 3600;

/**
 * Era D `GET {base}/auth/impersonate?auth_token=…` (modern generation; `server/auth/impersonate.ts`,
 * cocalc-reference.md §2.3): on success sets `remember_me` (HttpOnly, SameSite = the
 * `samesite_remember_me` setting, 12 h) and `account_id` (readable by JS), then answers 200 HTML whose
 * `window.onload` sends the page to `{site}/app` — path and kiosk flag are lost, as in CoCalc.
 * Cookies are Secure on HTTPS and also on http://localhost (browsers treat it as secure).
 * On failure: 200 text `ERROR: impersonate error -- Error: …`. Deliberate deviation: the token is
 * HTML-escaped in that body (CoCalc reflects it raw, security-reference.md F8).
 */
export function handleImpersonate(ctx: EmulatorContext, req: EmulatorRequest): void {
  if (ctx.options.generation !== 'modern') return sendNotFoundPage(req.res);
  const token = req.query.get('auth_token') ?? '';
  const fail = (message: string) => sendHtml(req.res, 200, `ERROR: impersonate error -- Error: ${message}`);
  if (!token) return fail('invalid empty token');
  const accountId = redeemAuthToken(ctx, token);
  if (!accountId) return fail(`unknown or expired token: '${escapeHtml(token)}'`);

  const value = ctx.store.createSession(accountId, SESSION_TTL_SECONDS);
  const hostname = (req.raw.headers.host ?? '').replace(/:\d+$/, '');
  const secure = req.secure || hostname === 'localhost' || hostname.endsWith('.localhost');
  const base = ctx.options.basePath;
  const common = { maxAgeMs: SESSION_TTL_SECONDS * 1000, sameSite: ctx.options.samesiteRememberMe, secure, path: '/' } as const;
  appendSetCookie(req.res, serializeCookie(cookieName(base, REMEMBER_ME_COOKIE_NAME), value, { ...common, httpOnly: true }));
  appendSetCookie(req.res, serializeCookie(cookieName(base, ACCOUNT_ID_COOKIE_NAME), accountId, { ...common, httpOnly: false }));

  const target = `${ctx.siteUrl}/app`;
  const js = JSON.stringify(target).replace(/</g, '\\u003c');
  const html = escapeHtml(target);
  sendHtml(
    req.res,
    200,
    `<head>
  <script>
    window.onload = function () {
      window.location.href = ${js};
      setTimeout(function() {
        const element = document.getElementById('redirect-msg');
        element.style.display = 'block';
      }, 3000);
    };
  </script>
</head>
<body>
  <div id="redirect-msg" style="display: none;">
    You should be redirected to <a href="${html}">${html}</a>.
  </div>
</body>`,
  );
}
