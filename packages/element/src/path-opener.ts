import type { KioskController } from '@cocalc-embed/controller';
import { assertProjectPath, CocalcError } from '@cocalc-embed/protocol';
import { asCocalcError } from './as-cocalc-error.js';

/** A path change that a kiosk reload interrupts is sent again this many times in all. */
const PATH_OPEN_ATTEMPTS = 3;

/**
 * Opens the element's `path` in the running kiosk each time it changes. Only the latest change
 * counts: a newer one aborts the open still under way (SUPERSEDED), so a page that switches files
 * quickly does not see an older file win. {@link opened} is the latest open's promise for the host;
 * failures nobody asked about go to `report`.
 */
export class PathOpener {
  /** Settles when the open triggered by the latest `path` change finishes. */
  opened: Promise<{ projectId: string; path: string }> | undefined;

  readonly #report: (error: CocalcError) => void;
  #pending: AbortController | undefined;

  /** @param report receives a failed open, unless it was superseded or its kiosk destroyed */
  constructor(report: (error: CocalcError) => void) {
    this.#report = report;
  }

  /** Opens `path` with `controller` in the project `projectId()` names, superseding an open under way. */
  open(controller: KioskController, path: string, projectId: () => string): void {
    this.abort(new CocalcError('SUPERSEDED', 'The path changed again before this file finished opening.'));
    const pending = new AbortController();
    this.#pending = pending;
    const opened = (async () => {
      try {
        assertProjectPath(path);
        // A kiosk reload in mid-open (a url-era CoCalc reloads once after signing in) rejects
        // RELOADED; the open waits for the reloaded kiosk and is sent again, a few times at most.
        for (let attempt = 1; ; attempt++) {
          try {
            return await controller.open(path, { projectId: projectId(), signal: pending.signal });
          } catch (error) {
            if (!CocalcError.is(error, 'RELOADED') || attempt >= PATH_OPEN_ATTEMPTS) throw error;
          }
        }
      } catch (error) {
        // The controller reports our abort as ABORTED; say why it was aborted instead.
        if (pending.signal.aborted && CocalcError.is(pending.signal.reason)) throw pending.signal.reason;
        throw asCocalcError(error);
      } finally {
        if (this.#pending === pending) this.#pending = undefined;
      }
    })();
    opened.catch((error: CocalcError) => {
      if (error.code !== 'SUPERSEDED' && error.code !== 'DESTROYED') this.#report(error);
    });
    this.opened = opened;
  }

  /** Aborts the open under way, if any; it rejects with `reason`. */
  abort(reason: CocalcError): void {
    this.#pending?.abort(reason);
    this.#pending = undefined;
  }
}
