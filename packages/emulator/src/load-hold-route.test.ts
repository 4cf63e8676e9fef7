import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEmulator, type TestEmulator } from './test-emulator.js';

describe('/static/app-assets.gif: the kiosk page-load hold (not CoCalc)', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(() => emu.dispose());

  test('a hold is answered (a 1×1 GIF) only once released', async () => {
    let answered = false;
    const held = emu.request('/static/app-assets.gif?hold=abcdef123456').then(async (res) => {
      answered = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(answered, false, 'still held');
    assert.equal((await emu.request('/static/app-assets.gif?release=abcdef123456', { method: 'POST' })).status, 204);
    const res = await held;
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/gif');
  });

  test('malformed or reused ids are answered at once; releasing an unknown id does nothing', async () => {
    for (const id of ['', 'short', 'bad id with spaces!', 'x'.repeat(65)]) {
      assert.equal((await emu.request(`/static/app-assets.gif?hold=${encodeURIComponent(id)}`)).status, 200, id);
    }
    const first = emu.request('/static/app-assets.gif?hold=same-id-123');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await emu.request('/static/app-assets.gif?hold=same-id-123')).status, 200, 'a second hold with the same id is not parked');
    assert.equal((await emu.request('/static/app-assets.gif?release=nobody-holds-this', { method: 'POST' })).status, 204);
    await emu.request('/static/app-assets.gif?release=same-id-123', { method: 'POST' });
    assert.equal((await first).status, 200);
  });

  test('close() ends holds nobody released', async () => {
    const other = await startTestEmulator();
    const pending = other.request('/static/app-assets.gif?hold=never-released-1').then(
      (res) => res.text().then(() => 'answered', () => 'ended'),
      () => 'ended',
    );
    await new Promise((r) => setTimeout(r, 100));
    await other.dispose();
    assert.equal(await pending, 'ended');
  });
});
