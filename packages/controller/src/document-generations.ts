/**
 * The generations of kiosk documents in one frame: which `load` starts a new one. CoCalc answers
 * as soon as its script runs, often before its document's `load`; that late `load` is the same
 * document finishing, not a reload. Every other `load` is a new document, a new generation. The
 * limits of telling them apart: the controller's README ("Which document answered").
 */
export class DocumentGenerations {
  /** The current generation: 1 for the first document, +1 for every new one. */
  current = 1;
  /** Whether the kiosk document now in the frame has fired its `load`. */
  #loaded: boolean;
  /** The connection became ready before its document's `load`: that load is not a new document. */
  #readyBeforeLoad = false;

  /** @param loaded whether the frame already shows a loaded kiosk document */
  constructor(loaded: boolean) {
    this.#loaded = loaded;
  }

  /** The current document answered; returns whether that was before its `load`. */
  answered(): boolean {
    return (this.#readyBeforeLoad = !this.#loaded);
  }

  /**
   * A `load` of the frame, which shows a kiosk document or not (`kiosk`), while the connection is
   * ready or not. Returns `false` for the late `load` of the document that already answered;
   * otherwise a new generation began and `true` is returned.
   */
  load(ready: boolean, kiosk: boolean): boolean {
    const sameDocument = ready && this.#readyBeforeLoad && kiosk;
    this.#readyBeforeLoad = false;
    this.#loaded = kiosk;
    if (sameDocument) return false;
    this.current++;
    return true;
  }
}
