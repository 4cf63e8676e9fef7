import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { parseApiErrorBody } from '@cocalc-embed/protocol';
import { ApiErrorCode } from './api-error-code.js';
import { startFakeCocalc, type FakeCocalc } from './test-support/fake-cocalc.js';
import { startHarness, type Harness } from './test-support/harness.js';

describe('per-user project limits', () => {
  let fake: FakeCocalc;
  let h: Harness;
  const created = () => fake.calls.filter((c) => c.path === '/api/v1/create_project').length;

  before(async () => {
    fake = await startFakeCocalc({ generation: 'classic' });
  });
  afterEach(() => h?.close());
  after(() => fake.close());

  it('refuses a project beyond COCALC_EMBED_MAX_PROJECTS_PER_USER with 403 PROJECT_LIMIT, creating nothing; existing ones keep working', async () => {
    h = await startHarness(fake, { COCALC_EMBED_MAX_PROJECTS_PER_USER: '2', COCALC_EMBED_FIRST_PROJECT: 'keep' });
    const alice = await h.login('alice');
    assert.equal((await h.mint(alice, { path: 'a.ipynb' })).status, 200);
    assert.equal((await h.mint(alice, { path: 'a.ipynb', project: 'course-2' })).status, 200);
    const before = created();
    const refused = await h.mint(alice, { path: 'a.ipynb', project: 'course-3' });
    assert.equal(refused.status, 403);
    const error = parseApiErrorBody(await refused.json());
    assert.equal(error?.code, 'PROJECT_LIMIT');
    assert.match(error!.message, /2 projects/);
    assert.equal(refused.headers.get('retry-after'), null, 'not a rate limit: waiting does not help');
    assert.equal(created(), before, 'no CoCalc project was made');
    assert.equal((await h.mint(alice, { path: 'b.ipynb' })).status, 200, 'the default project still works');
    assert.equal((await h.mint(alice, { path: 'b.ipynb', project: 'course-2' })).status, 200);
    assert.equal((await h.mint(await h.login('bob'), { path: 'a.ipynb', project: 'course-3' })).status, 200, 'other users have their own count');
  });

  it('counts each notebook in per-notebook mode', async () => {
    h = await startHarness(fake, { COCALC_EMBED_MAX_PROJECTS_PER_USER: '2', COCALC_EMBED_PROJECT_MODE: 'per-notebook', COCALC_EMBED_FIRST_PROJECT: 'keep' });
    const carol = await h.login('carol');
    assert.equal((await h.mint(carol, { path: 'x.ipynb' })).status, 200);
    assert.equal((await h.mint(carol, { path: 'y.ipynb' })).status, 200);
    const refused = await h.mint(carol, { path: 'z.ipynb' });
    assert.equal(refused.status, 403);
    assert.equal(parseApiErrorBody(await refused.json())?.code, 'PROJECT_LIMIT');
    assert.equal((await h.mint(carol, { path: 'x.ipynb' })).status, 200);
  });

  it('counts concurrent first requests for different projects against one limit', async () => {
    h = await startHarness(fake, { COCALC_EMBED_MAX_PROJECTS_PER_USER: '3', COCALC_EMBED_FIRST_PROJECT: 'keep', COCALC_EMBED_DEMO_USERS: 'dan' });
    const dan = await h.login('dan');
    const statuses = await Promise.all(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map(async (project) => (await h.mint(dan, { path: 'a.ipynb', project })).status));
    assert.deepEqual(statuses.filter((s) => s === 200).length, 3);
    assert.deepEqual(statuses.filter((s) => s === 403).length, 3);
  });

  it('refuses a project name outside COCALC_EMBED_PROJECT_NAMES with 403 PROJECT_NOT_ALLOWED; the default project is always allowed', async () => {
    h = await startHarness(fake, { COCALC_EMBED_PROJECT_NAMES: 'course-1, course-2', COCALC_EMBED_FIRST_PROJECT: 'keep' });
    const alice = await h.login('alice');
    const before = fake.calls.length;
    const refused = await h.mint(alice, { path: 'a.ipynb', project: 'anything-else' });
    assert.equal(refused.status, 403);
    assert.equal(parseApiErrorBody(await refused.json())?.code, 'PROJECT_NOT_ALLOWED');
    assert.equal(fake.calls.length, before, 'CoCalc was not even asked');
    assert.equal((await h.mint(alice, { path: 'a.ipynb', project: 'course-2' })).status, 200);
    assert.equal((await h.mint(alice, { path: 'a.ipynb' })).status, 200);
  });
});

describe('backend error codes', () => {
  it('every code has a row in docs/troubleshooting.md (codes are public API)', () => {
    const doc = readFileSync(new URL('../../../docs/troubleshooting.md', import.meta.url), 'utf8');
    const missing = Object.values(ApiErrorCode).filter((code) => !new RegExp(`\\|[^|\\n]*\`${code}\`[^|\\n]*\\|`).test(doc));
    assert.deepEqual(missing, []);
  });
});
