import { redactToken } from '@cocalc-embed/protocol';
import { SIGN_IN } from './sign-in-eras.js';
import type { TokenBroker, TokenGrant } from './token-broker.js';
import type { TokenProvider } from './token-provider.js';

/** Where the grant came from: the element's token source at the time. */
export interface RedeemedSource {
  readonly tokenEndpoint: string;
  readonly tokenProvider: TokenProvider | undefined;
}

/**
 * Once the kiosk has signed in, a token whose era says so has done its job: the backend revokes
 * it, so the bearer secret is useless to anything that saw it (the session lives on in CoCalc's
 * cookie). Only for tokens from the endpoint: a `tokenProvider` host mints, and so revokes, its
 * own way. Best effort: the sign-in already happened, so the outcome is only logged (never the token).
 */
export function revokeRedeemed(grant: TokenGrant, broker: TokenBroker, source: RedeemedSource, log: (message: string) => void): void {
  if (!SIGN_IN[grant.response.signIn].revokeWhenReady || source.tokenProvider) return;
  const tail = redactToken(grant.response.token);
  broker.revoke({ endpoint: source.tokenEndpoint }, grant.response.token).then(
    (status) => log(`token …${tail} revoke: HTTP ${status}`),
    () => log('token revoke failed (network)'),
  );
}
