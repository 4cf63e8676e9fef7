import { joinBasePath } from './app-base-path.js';

/** What became of an era-C `?auth_token=` sign-in attempt. */
export const SIGN_IN_OUTCOME = {
  /** No token in the address: nothing to do. */
  none: 'none',
  /** Signed in and the cookie request went out; the page is reloading. */
  reloading: 'reloading',
  /** The hub refused the token (or did not answer); the user stays signed out. */
  failed: 'failed',
} as const;

/** One of {@link SIGN_IN_OUTCOME}. */
export type SignInOutcome = (typeof SIGN_IN_OUTCOME)[keyof typeof SIGN_IN_OUTCOME];

/** The browser effects the sign-in needs; injectable so the flow can be tested without reloading. */
export interface SignInEffects {
  readonly replaceUrl: (url: string) => void;
  readonly reload: () => void;
}

const defaultEffects: SignInEffects = {
  replaceUrl: (url) => history.replaceState(history.state, '', url),
  reload: () => location.reload(),
};

/**
 * The `url` era, in its last form (CoCalc 2023-08-08 … 2024-10-18, `src/packages/frontend/client/hub.ts` +
 * `client/account.ts`; docs/cocalc-protocol.md#url-sign-in): when `auth_token` is in the address, remove it
 * from the address first (so a reload or a copied URL never carries the secret), send
 * `sign_in_using_auth_token` to the hub — always, even if already signed in — then have the
 * browser set the cookie with `GET {base}/cookies?set=remember_me&value=…` and reload.
 *
 * The websocket message is stood in for by `POST {base}/api/emulator/hub`. On failure CoCalc shows
 * nothing helpful (sagemathinc/cocalc#5392): the user just stays signed out, so we log nothing
 * that contains the token and return `failed`.
 */
export async function signInWithAuthToken(
  basePath: string,
  href: string,
  effects: SignInEffects = defaultEffects,
): Promise<SignInOutcome> {
  const url = new URL(href);
  const token = url.searchParams.get('auth_token');
  if (token === null) return SIGN_IN_OUTCOME.none;
  url.searchParams.delete('auth_token');
  effects.replaceUrl(url.toString());
  try {
    const response = await fetch(joinBasePath(basePath, '/api/emulator/hub'), {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'sign_in_using_auth_token', auth_token: token }),
    });
    const reply = (await response.json()) as { event?: unknown; remember_me?: unknown };
    if (reply.event !== 'signed_in' || typeof reply.remember_me !== 'string') return SIGN_IN_OUTCOME.failed;
    const cookieUrl = `${joinBasePath(basePath, '/cookies')}?${new URLSearchParams({ set: 'remember_me', value: reply.remember_me })}`;
    await fetch(cookieUrl, { credentials: 'include' });
  } catch {
    return SIGN_IN_OUTCOME.failed;
  }
  effects.reload();
  return SIGN_IN_OUTCOME.reloading;
}
