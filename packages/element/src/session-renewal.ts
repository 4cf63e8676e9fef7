import { CocalcError } from '@cocalc-embed/protocol';

/** What {@link SessionRenewal} asks of the session it renews. */
export interface RenewalHooks {
  /** Whether the current session's token has expired (it decides the log line and the final error). */
  expired(): boolean;
  /** Starts a new session with a fresh token; `expired` keeps the element `expired` until it has one. */
  renew(expired: boolean): void;
  /** Puts the element in the error state with `error`. */
  fail(error: CocalcError): void;
  log(message: string): void;
}

/**
 * Renewal of a session that stopped working: the kiosk never answered (READY_TIMEOUT) or answers
 * but is not signed in. Both usually mean the token expired before CoCalc redeemed it, or the
 * sign-in did not stick, and a fresh token cures that – so the session starts over once, in place.
 *
 * Once per failing streak: if the renewed session fails the same way, a new token will not help
 * either, and the failure is reported rather than fetching tokens in a loop. The streak ends when
 * a session demonstrably works (its first file opened) or the host starts over ({@link reset}).
 */
export class SessionRenewal {
  readonly #hooks: RenewalHooks;
  #renewals = 0;

  constructor(hooks: RenewalHooks) {
    this.#hooks = hooks;
  }

  /** Ends the failing streak: the next failure may be renewed again. */
  reset(): void {
    this.#renewals = 0;
  }

  /**
   * The kiosk never answered its first probe. If the token had expired by then, renew in place;
   * without expiry, one retry with a fresh token; a second time, READY_TIMEOUT (or TOKEN_EXPIRED).
   */
  readyTimedOut(error: CocalcError): void {
    this.#renewOnce(error, error);
  }

  /** The kiosk answers but is not signed in: renew once, then SESSION_BLOCKED (or TOKEN_EXPIRED). */
  signInLost(error: CocalcError): void {
    this.#renewOnce(
      error,
      new CocalcError('SESSION_BLOCKED', 'CoCalc loaded but is not signed in, even with a fresh token.', {
        cause: error,
        details: { mesg: error.details.mesg, sign: error.code },
      }),
    );
  }

  /** `final` is what is reported when the renewed session fails too (unless the token expired). */
  #renewOnce(error: CocalcError, final: CocalcError): void {
    const expired = this.#hooks.expired();
    if (this.#renewals >= 1) {
      this.#hooks.fail(
        expired ? new CocalcError('TOKEN_EXPIRED', 'The CoCalc session expired and a fresh token did not help.', { cause: error }) : final,
      );
      return;
    }
    this.#renewals++;
    this.#hooks.log(expired ? 'token expired: renewing the session' : `${error.code}: one retry with a fresh token`);
    this.#hooks.renew(expired);
  }
}

/**
 * Whether the failed open of the embed's own file says the kiosk is not signed in (CoCalc installs
 * its listener and answers `status` either way): the token expired before CoCalc redeemed it, or
 * the session cookie did not stick. Older CoCalc refuses with "problem opening project …"; a
 * current one, signed out, never acknowledges the open at all (no `ack`: REQUEST_TIMEOUT; CoCalc
 * acks at once when it can open the project, before any slow work).
 */
export function isSignedOutSign(failure: CocalcError): boolean {
  if (failure.code === 'REQUEST_TIMEOUT') return true;
  return failure.code === 'REMOTE_ERROR' && /problem opening project/i.test(String(failure.details.mesg));
}
