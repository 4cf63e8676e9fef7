/**
 * CoCalc's wrong-password ban for token minting (`ban[account_id][user_account_id]`): after a
 * wrong password, the (requester, target) pair may not try again for a while — 60 s in the v1 era
 * (`hub/auth-token.coffee`), 30 s now (`server/auth/auth-token.ts`). Kept in memory, as CoCalc does.
 */
export class AuthTokenBans {
  private readonly bans = new Map<string, number>();

  /** Bans the pair from now on. */
  ban(requester: string, target: string): void {
    this.bans.set(`${requester}/${target}`, Date.now());
  }

  /** True while the pair is banned for `banMs` after its last wrong password. */
  isBanned(requester: string, target: string, banMs: number): boolean {
    const at = this.bans.get(`${requester}/${target}`);
    return at !== undefined && Date.now() - at < banMs;
  }
}
