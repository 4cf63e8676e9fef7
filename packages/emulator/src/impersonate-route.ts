import type { EmulatorContext } from './emulator-context.js';
import type { EmulatorRequest } from './http-io.js';
import { escapeHtml, sendHtml } from './http-io.js';
import { sendNotFoundPage } from './next-not-found.js';
import { ensureConnectSid, setSignInCookies } from './sign-in-cookies.js';
import { redeemAuthToken } from './user-auth-token.js';

/** The session an impersonation creates lasts 12 h (`createRememberMeCookie(account_id, 12 * 3600)`). */
const SESSION_TTL_SECONDS = 12 * 3600;

/**
 * The `impersonate` era: `GET {base}/auth/impersonate?auth_token=…` (modern generation; `server/auth/impersonate.ts`),
 * as a real CoCalc answered it: on success 200 `text/html` (no HTTP redirect) with the cookies of
 * {@link setSignInCookies} for 12 h plus `connect.sid`, and a page whose `window.onload` sends the
 * browser to `{site}/app` — `/app` then lands on settings: path and kiosk flag are lost.
 * On failure: 200 `ERROR: impersonate error -- Error: unknown or expired token: '<tok>'` (and
 * `connect.sid`). Deliberate deviation: the token is HTML-escaped in that body (CoCalc reflects it
 * raw, which lets a crafted link inject markup); a real token is alphanumeric, so it reads the same.
 */
export function handleImpersonate(ctx: EmulatorContext, req: EmulatorRequest): void {
  if (ctx.options.generation !== 'modern') return sendNotFoundPage(req.res);
  const token = req.query.get('auth_token') ?? '';
  const fail = (message: string) => {
    ensureConnectSid(req);
    sendHtml(req.res, 200, `ERROR: impersonate error -- Error: ${message}`);
  };
  if (!token) return fail('invalid empty token');
  const accountId = redeemAuthToken(ctx, token);
  if (!accountId) return fail(`unknown or expired token: '${escapeHtml(token)}'`);

  setSignInCookies(ctx, req, accountId, SESSION_TTL_SECONDS);
  ensureConnectSid(req);

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
