// The main behaviours against the emulator's real kiosk page, on a second origin.
import { kioskUrl } from '@cocalc-embed/protocol';
import { expect } from '@open-wc/testing';
import { KioskController } from './index.js';
import { emulatorControls, fixture, mountFrame, rejectsWith, removeFrames, waitFor, type Fixture } from './test-support/helpers.js';

describe('KioskController against the emulator kiosk', () => {
  let fx: Fixture;
  const controllers: KioskController[] = [];

  beforeEach(async () => {
    fx = await fixture();
  });
  afterEach(async () => {
    for (const c of controllers.splice(0)) c.destroy();
    removeFrames();
    await emulatorControls('reset');
  });

  /** Kiosk iframe on a file URL, signed in with a fresh token (`url` era: the kiosk reloads after sign-in). */
  function kiosk(path = fx.emulator.files[0]!, options: Partial<Parameters<typeof KioskController.connect>[1]> = {}) {
    const iframe = mountFrame(kioskUrl({ cocalcUrl: fx.emulator.url, projectId: fx.emulator.projectId, path, authToken: fx.emulator.token }));
    const controller = KioskController.connect(iframe, { origin: fx.emulator.origin, debug: true, ...options });
    controllers.push(controller);
    return { iframe, controller };
  }

  /** Waits until the controller is ready and the kiosk has settled (signed in, no pending reload). */
  async function settled(controller: KioskController): Promise<void> {
    for (;;) {
      await controller.ready.catch(() => undefined);
      if (controller.state !== 'ready') {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const status = await controller.status().catch(() => undefined);
      if (status && status.connection.status === 'connected') return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('becomes ready on the real kiosk page and answers status with a Date and the open files', async () => {
    const { controller } = kiosk();
    await settled(controller);
    const status = await controller.status();
    expect(status.connection.quality).to.be.a('string');
    expect(status.connection.statusTime === undefined || status.connection.statusTime instanceof Date).to.equal(true);
    expect(Object.getPrototypeOf(status.openFiles)).to.equal(null);
    expect(controller.stats.rejectedShape).to.equal(0);
    expect(JSON.stringify(controller.debugLog())).to.not.contain(fx.emulator.token);
  });

  it('opens files (ack then done), reports progress and the kiosk lists them', async () => {
    const { controller } = kiosk();
    await settled(controller);
    const events: string[] = [];
    controller.addEventListener('file-open', (e) => events.push(`ack:${e.path}`));
    controller.addEventListener('file-opened', (e) => events.push(`done:${e.path}`));
    const path = fx.emulator.files[1]!;
    const result = await controller.open(path, { projectId: fx.emulator.projectId });
    expect(result).to.deep.equal({ projectId: fx.emulator.projectId, path });
    expect(events).to.deep.equal([`ack:${path}`, `done:${path}`]);
    const status = await controller.status();
    expect(status.openFiles[fx.emulator.projectId]).to.include(path);
  });

  it('an open the kiosk refuses rejects REMOTE_ERROR with its message', async () => {
    const { controller } = kiosk();
    await settled(controller);
    const unknownProject = '00000000-0000-4000-8000-00000000beef';
    const error = await rejectsWith(controller.open('x.md', { projectId: unknownProject, timeout: 10_000 }), 'REMOTE_ERROR');
    expect(String(error.details.mesg)).to.be.a('string').and.not.equal('');
  });

  it('close(path) = closeall + re-open of the other desired files', async () => {
    const { controller } = kiosk();
    await settled(controller);
    const [a, b] = fx.emulator.files as [string, string];
    await controller.open(a, { projectId: fx.emulator.projectId });
    await controller.open(b, { projectId: fx.emulator.projectId });
    await controller.close(a);
    expect(controller.desiredFiles.map((f) => f.path)).to.deep.equal([b]);
    const status = await controller.status();
    expect(status.openFiles[fx.emulator.projectId]).to.deep.equal([b]);
    await controller.closeAll();
    expect((await controller.status()).openFiles).to.deep.equal({});
  });

  // Threat model: docs/threat-model.md#kiosk-lifecycle
  it('reload mid-request: the open rejects RELOADED, the kiosk is ready again and the file is re-opened', async () => {
    await emulatorControls({ reloadMidRequest: true });
    const { controller } = kiosk();
    await settled(controller);
    const reloads: number[] = [];
    controller.addEventListener('reload', (e) => reloads.push(e.generation));
    const reopened = new Promise<string>((resolve) => controller.addEventListener('file-opened', (e) => resolve(e.path)));
    const path = fx.emulator.files[2]!;
    const error = await rejectsWith(controller.open(path, { projectId: fx.emulator.projectId }), 'RELOADED');
    expect(error.retryable).to.equal(true);
    expect(reloads.length).to.be.greaterThan(0);
    expect(controller.desiredFiles.map((f) => f.path)).to.include(path);
    expect(await reopened).to.equal(path);
    await settled(controller);
    expect((await controller.status()).openFiles[fx.emulator.projectId]).to.include(path);
  });

  // Threat model: docs/threat-model.md#kiosk-lifecycle
  it('a kiosk that never installs its listener: READY_TIMEOUT, and queued calls reject with it', async () => {
    await emulatorControls({ neverReady: true });
    const { controller } = kiosk(undefined, { readyTimeout: 1_500 });
    const queued = controller.open(fx.emulator.files[0]!, { projectId: fx.emulator.projectId });
    await rejectsWith(controller.ready, 'READY_TIMEOUT');
    await rejectsWith(queued, 'READY_TIMEOUT');
    expect(controller.state).to.equal('failed');
  });

  it('a slow kiosk (latency 150 ms per reply) still works and replies stay in step', async () => {
    await emulatorControls({ latencyMs: 150 });
    const { controller } = kiosk();
    await settled(controller);
    const path = fx.emulator.files[0]!;
    const [opened, status] = await Promise.all([controller.open(path, { projectId: fx.emulator.projectId }), controller.status()]);
    expect(opened.path).to.equal(path);
    expect(status.openFiles[fx.emulator.projectId]).to.include(path);
  });

  // Threat model: docs/threat-model.md#forged-messages
  it('two kiosks on the same origin never cross-resolve', async () => {
    const one = kiosk(fx.emulator.files[0]);
    const two = kiosk(fx.emulator.files[1]);
    await Promise.all([settled(one.controller), settled(two.controller)]);
    const before = one.controller.stats.rejectedSource;
    await Promise.all([
      one.controller.open(fx.emulator.files[0]!, { projectId: fx.emulator.projectId }),
      two.controller.open(fx.emulator.files[2]!, { projectId: fx.emulator.projectId }),
    ]);
    const [s1, s2] = await Promise.all([one.controller.status(), two.controller.status()]);
    expect(s2.openFiles[fx.emulator.projectId]).to.include(fx.emulator.files[2]);
    expect(s1.openFiles[fx.emulator.projectId]).to.not.include(fx.emulator.files[2]);
    await waitFor(() => one.controller.stats.rejectedSource > before, 2_000, 'the other kiosk replies to be rejected by source');
  });
});
