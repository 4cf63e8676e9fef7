import { impersonateUrl, kioskUrl, type SignInEra, type TokenResponse } from '@cocalc-embed/protocol';
import { impersonateSignIn } from './impersonate-sign-in.js';

/** What the element does for one sign-in era (see `SIGN_IN_ERAS` in the protocol package). */
export interface SignInSteps {
  /**
   * Signs the browser in to CoCalc, if the era needs a step of its own before the kiosk frame
   * exists (inside `container`, abortable), and returns the URL to navigate the kiosk frame to.
   */
  kioskUrl(response: TokenResponse, container: Node, signal: AbortSignal): Promise<string>;
  /**
   * Whether the token has done its job once the kiosk answers, so the backend may revoke it (the
   * session then lives on in CoCalc's cookie). Only for tokens from the endpoint.
   */
  readonly revokeWhenReady: boolean;
}

/**
 * Every sign-in era, once. Keyed by `SignInEra`, so an era added to the protocol does not compile
 * until it has an entry here; nothing else in the element knows the eras.
 */
export const SIGN_IN: { readonly [E in SignInEra]: SignInSteps } = {
  // CoCalc ≤ 2024-10-18 reads the token from the kiosk URL. Not revoked: API v1 has no revocation,
  // and the kiosk may need the token again when it reloads.
  url: {
    kioskUrl: async (r) => kioskUrl({ cocalcUrl: r.cocalcUrl, projectId: r.projectId, path: r.path, authToken: r.token }),
    revokeWhenReady: false,
  },
  // CoCalc ≥ 2024-10-19 redeems tokens only at /auth/impersonate, in a throw-away frame whose
  // cookies then sign the kiosk frame in; the token never touches the kiosk frame.
  impersonate: {
    async kioskUrl(r, container, signal) {
      await impersonateSignIn(container, impersonateUrl({ cocalcUrl: r.cocalcUrl, authToken: r.token }), { signal });
      return kioskUrl({ cocalcUrl: r.cocalcUrl, projectId: r.projectId, path: r.path });
    },
    revokeWhenReady: true,
  },
};
