import { joinBasePath } from './app-base-path.js';

/** A pending image that keeps the document's `load` event from firing until released. */
export interface LoadHold {
  /** Lets the stylesheet arrive, and with it `load`. Idempotent. */
  release(): void;
}

/**
 * Makes the kiosk page load the way CoCalc's does (NOT CoCalc code): CoCalc's app script installs
 * the postMessage listener while it runs, and the document's `load` only follows once its many
 * scripts, styles and fonts have arrived, so a host that probes early is answered before `load`.
 * The emulator's page has one small script, so it adds a hidden image that the emulator holds
 * (`{base}/static/app-assets.gif?hold=<id>`) until {@link LoadHold.release} or 5 s.
 *
 * An image, not a stylesheet: every engine delays `load` for either, but Firefox also queues the
 * page's other requests (our `fetch`es of `/customize` and the session) behind a pending
 * stylesheet, so with a held stylesheet the bridge could not answer before `load` there.
 */
export function holdLoad(doc: Document, basePath: string): LoadHold {
  const id = crypto.randomUUID().replace(/-/g, '');
  const img = doc.createElement('img');
  img.hidden = true;
  img.alt = '';
  img.src = `${joinBasePath(basePath, '/static/app-assets.gif')}?hold=${id}`;
  // Gone once it has arrived (its load event fires before the document's): the kiosk's DOM then
  // holds only what CoCalc's would.
  const remove = (): void => img.remove();
  img.addEventListener('load', remove, { once: true });
  img.addEventListener('error', remove, { once: true });
  (doc.body ?? doc.documentElement).appendChild(img);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      void fetch(`${joinBasePath(basePath, '/static/app-assets.gif')}?release=${id}`, { method: 'POST', keepalive: true }).catch(() => {
        // The hold ends by itself after 5 s.
      });
    },
  };
}
