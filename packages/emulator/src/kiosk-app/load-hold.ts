import { joinBasePath } from './app-base-path.js';

/** A pending stylesheet that keeps the document's `load` event from firing until released. */
export interface LoadHold {
  /** Lets the stylesheet arrive, and with it `load`. Idempotent. */
  release(): void;
}

/**
 * Makes the kiosk page load the way CoCalc's does (NOT CoCalc code): CoCalc's app script installs
 * the postMessage listener while it runs, and the document's `load` only follows once its many
 * scripts, styles and fonts have arrived, so a host that probes early is answered before `load`.
 * The emulator's page has one small script, so it adds a stylesheet that the emulator holds
 * (`{base}/static/app-assets.css?hold=<id>`) until {@link LoadHold.release} or 5 s.
 */
export function holdLoad(doc: Document, basePath: string): LoadHold {
  const id = crypto.randomUUID().replace(/-/g, '');
  const link = doc.createElement('link');
  link.rel = 'stylesheet';
  link.href = `${joinBasePath(basePath, '/static/app-assets.css')}?hold=${id}`;
  doc.head.appendChild(link);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      void fetch(`${joinBasePath(basePath, '/static/app-assets.css')}?release=${id}`, { method: 'POST', keepalive: true }).catch(() => {
        // The hold ends by itself after 5 s.
      });
    },
  };
}
