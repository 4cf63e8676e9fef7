import { CocalcError } from '@cocalc-embed/protocol';
import type { DesiredFile } from './call-options.js';
import { KioskErrorEvent } from './events/kiosk-error-event.js';
import type { Call } from './kiosk-actions.js';

/** What the desired files need from the controller. */
export interface DesiredFilesHost {
  dispatchEvent(event: Event): boolean;
  /** An internal `open` of `file` (rejected without anyone listening being reported). */
  openCall(file: DesiredFile): Call;
  /** Queues internal calls ahead of everything waiting. */
  pushFront(calls: readonly Call[]): void;
}

/**
 * The files that should be open, oldest first, and how they are kept open: CoCalc forgets its
 * tabs on a reload and has only `closeall`, so after a reload, and after a `closeall` that closed
 * only some of them, the rest are re-opened in their order. A re-open that fails drops its file
 * and becomes an `error` event, as no caller is waiting for it.
 */
export class DesiredFiles {
  readonly #files: DesiredFile[] = [];
  readonly #host: DesiredFilesHost;

  constructor(host: DesiredFilesHost) {
    this.#host = host;
  }

  /** A frozen snapshot, oldest first. */
  snapshot(): ReadonlyArray<DesiredFile> {
    return Object.freeze(this.#files.map((file) => Object.freeze({ ...file })));
  }

  /** Adds `file` at the end (an earlier entry for the same file moves there). */
  add(file: DesiredFile): void {
    this.remove(file);
    this.#files.push(file);
  }

  /** Drops `file`. */
  remove(file: DesiredFile): void {
    this.forget((other) => sameFile(other, file));
  }

  /** Drops the desired files `drop` picks. */
  forget(drop: (file: DesiredFile) => boolean): void {
    for (let i = this.#files.length; i-- > 0; ) if (drop(this.#files[i]!)) this.#files.splice(i, 1);
  }

  /** The effect of a successful `closeall`: forget what it closed, re-open the rest in order. */
  closed(call: Call): Promise<unknown> {
    this.forget(call.forgets ?? (() => false));
    return this.reopen('close');
  }

  /** Queues internal opens of every desired file at the front; failures become `error` events. */
  reopen(reason: 'reload' | 'close'): Promise<unknown> {
    const calls = this.#files.map((file) => this.#host.openCall(file));
    for (const call of calls) {
      call.deferred.promise.catch((error: CocalcError) => {
        if (error.code === 'RELOADED' || error.code === 'DESTROYED') return;
        this.remove(call);
        const wrapped = new CocalcError(error.code, `Re-opening ${call.path} after a ${reason} failed: ${error.message}`, {
          cause: error,
          details: { ...error.details, projectId: call.projectId, path: call.path, reason },
        });
        this.#host.dispatchEvent(new KioskErrorEvent(wrapped));
      });
    }
    this.#host.pushFront(calls);
    return Promise.allSettled(calls.map((call) => call.deferred.promise));
  }
}

/** Whether `a` and `b` name the same file of the same project. */
function sameFile(a: DesiredFile, b: DesiredFile): boolean {
  return a.projectId === b.projectId && a.path === b.path;
}
