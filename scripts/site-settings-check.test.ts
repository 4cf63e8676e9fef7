import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSiteSettings } from './site-settings-check.js';
import { planStart } from './start-plan.js';

const plan = planStart({ COCALC_URL: 'https://localhost:5000', COCALC_API_KEY: `sk-${'T'.repeat(24)}` });
const byName = (customize: unknown) => Object.fromEntries(checkSiteSettings(plan, customize).map((c) => [c.name, c]));

describe("checking CoCalc's published site settings against the demo page", () => {
  it('a CoCalc set up right: every check passes (settings nested under configuration, as /customize has them)', () => {
    const c = byName({ configuration: { iframe_comm_hosts: ['localhost'], dns: 'localhost:5000', samesite_remember_me: 'strict' } });
    assert.equal(c.iframe_comm_hosts!.ok, true);
    assert.equal(c.dns!.ok, true);
    assert.equal(c.samesite_remember_me!.ok, true);
  });

  it('a fresh CoCalc: empty iframe_comm_hosts and dns are named as what to fix, with the wanted value', () => {
    const c = byName({ iframe_comm_hosts: [], dns: '', samesite_remember_me: 'strict' });
    assert.equal(c.iframe_comm_hosts!.ok, false);
    assert.match(c.iframe_comm_hosts!.detail, /\(empty\): does not admit https:\/\/localhost/);
    assert.equal(c.dns!.ok, false);
    assert.match(c.dns!.detail, /should be localhost:5000/);
  });

  it("matches as CoCalc does: a leading dot admits the domain, uppercase and ':' split entries, look-alikes do not match", () => {
    assert.equal(byName({ iframe_comm_hosts: '.localhost' }).iframe_comm_hosts!.ok, true);
    assert.equal(byName({ iframe_comm_hosts: 'localhost:443' }).iframe_comm_hosts!.ok, true);
    assert.equal(byName({ iframe_comm_hosts: 'Localhost' }).iframe_comm_hosts!.ok, false);
    assert.equal(byName({ iframe_comm_hosts: 'evil-localhost notlocalhost' }).iframe_comm_hosts!.ok, false);
    const other = planStart({ COCALC_URL: 'https://cocalc.example.edu', COCALC_API_KEY: `sk-${'T'.repeat(24)}`, DEMO_HOST: 'learn.example.edu' });
    const check = (hosts: string) => checkSiteSettings(other, { iframe_comm_hosts: hosts }).find((c) => c.name === 'iframe_comm_hosts')!.ok;
    assert.equal(check('.example.edu'), true);
    assert.equal(check('example.edu'), false);
    assert.equal(check('learn.example.edu.evil.org'), false);
  });

  it('says "unknown" rather than guessing when CoCalc publishes nothing, and flags samesite_remember_me=none', () => {
    const c = byName('not an object');
    assert.equal(c.iframe_comm_hosts!.ok, undefined);
    assert.equal(c.dns!.ok, undefined);
    assert.equal(byName({ samesite_remember_me: 'none' }).samesite_remember_me!.ok, false);
  });
});
