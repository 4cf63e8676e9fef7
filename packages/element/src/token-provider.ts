import type { TokenResponse } from '@cocalc-embed/protocol';

/** What a {@link TokenProvider} is asked for. */
export interface TokenProviderRequest {
  /** The file the element will show, relative to the project home. */
  readonly path: string;
  /** The element's `project` attribute, if any: a name the backend maps to a CoCalc project. */
  readonly project: string | undefined;
  /** Aborted when the element no longer needs the token (removed, timed out, superseded). */
  readonly signal: AbortSignal;
}

/**
 * For hosts that mint tokens their own way (an authenticated RPC, a GraphQL mutation…). The
 * result is validated with `parseTokenResponse` exactly like the endpoint's answer, so a bad token
 * never reaches an iframe. Throw a `CocalcError` to choose the code the element reports.
 */
export type TokenProvider = (request: TokenProviderRequest) => Promise<TokenResponse>;
