import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '@cocalc-embed/emulator';
import { DEFAULT_SIGN_IN_ERA, SESSION_TTL_SECONDS, TOKEN_TTL_SECONDS } from './sign-in-lifetime.js';
import { startHarness, type Harness } from './test-support/harness.js';
import { mintReady } from './test-support/mint-ready.js';
import { GENERATIONS, startTestEmulator } from './test-support/upstream.js';

const TWELVE_HOURS = 12 * 3600;

for (const generation of GENERATIONS) {
  const era = generation === 'classic' ? 'url' : 'impersonate';
  describe(`token lifetime follows the sign-in CoCalc grants (${generation}, ${era} era)`, () => {
    let emu: RunningEmulator;
    let h: Harness;

    before(async () => {
      emu = await startTestEmulator(generation);
      h = await startHarness(emu);
    });
    after(async () => {
      await h.close();
      await emu.close();
    });

    it(`expiresIn and expiresAt say 12 h, the session a sign-in gives, not the token's own ${generation === 'classic' ? '12' : '24'} h`, async () => {
      const body = await mintReady(h, await h.login('alice'));
      assert.equal(body.signIn, era);
      assert.ok(body.expiresIn > TWELVE_HOURS - 5 && body.expiresIn <= TWELVE_HOURS, String(body.expiresIn));
      assert.ok(Math.abs(Date.parse(body.expiresAt) - (Date.now() + body.expiresIn * 1000)) < 5_000, body.expiresAt);
    });

    if (generation === 'modern') {
      it('expiresAt is no later than the impersonate cookies CoCalc sets for the token, and not long before', async () => {
        const body = await mintReady(h, await h.login('bob'));
        const res = await fetch(`${emu.url}/auth/impersonate?auth_token=${body.token}`, { redirect: 'manual' });
        await res.text();
        const rememberMe = res.headers.getSetCookie().find((c) => c.startsWith('remember_me='));
        assert.ok(rememberMe, 'impersonate set remember_me');
        const maxAge = /max-age=(\d+)/i.exec(rememberMe)?.[1];
        const expires = /expires=([^;]+)/i.exec(rememberMe)?.[1];
        const cookieEnd = maxAge ? Date.now() + Number(maxAge) * 1000 : Date.parse(expires ?? '');
        assert.ok(Number.isFinite(cookieEnd), rememberMe.replace(/=[^;]*/, '=…'));
        const granted = Date.parse(body.expiresAt);
        assert.ok(granted <= cookieEnd + 1_000, 'the element would renew after the session ended');
        assert.ok(granted >= cookieEnd - 60_000, 'the element would renew far earlier than needed');
      });
    }

    it('a token configured to expire before the session bounds expiresIn (COCALC_TOKEN_TTL_SECONDS)', async () => {
      const short = await startHarness(emu, { COCALC_TOKEN_TTL_SECONDS: '3600' });
      try {
        const body = await mintReady(short, await short.login('carol'));
        assert.ok(body.expiresIn > 3600 - 5 && body.expiresIn <= 3600, String(body.expiresIn));
      } finally {
        await short.close();
      }
    });
  });
}

describe('sign-in lifetime tables', () => {
  it('name every era and generation, with CoCalc\'s constants', () => {
    assert.deepEqual(SESSION_TTL_SECONDS, { url: TWELVE_HOURS, impersonate: TWELVE_HOURS });
    assert.deepEqual(TOKEN_TTL_SECONDS, { v1: TWELVE_HOURS, modern: 2 * TWELVE_HOURS });
    // API v1 servers have no /auth/impersonate; current CoCalc signs in through it.
    assert.deepEqual(DEFAULT_SIGN_IN_ERA, { v1: 'url', modern: 'impersonate' });
  });
});
