/**
 * A bounded FIFO of calls waiting to be sent. Only calls a user made count against the bound;
 * the controller's own follow-ups (re-opening files after a reload or a `close`) go to the front
 * and are always accepted, because refusing them would leave the kiosk in the wrong state.
 */
export class RequestQueue<T> {
  #items: T[] = [];
  readonly #counted = new Set<T>();

  /** @param capacity how many user calls may wait at once */
  constructor(readonly capacity: number) {}

  /** Appends a user call; `false` (nothing added) when `capacity` user calls already wait. */
  push(item: T): boolean {
    if (this.#counted.size >= this.capacity) return false;
    this.#items.push(item);
    this.#counted.add(item);
    return true;
  }

  /** Puts internal follow-up items at the front, in the given order, regardless of capacity. */
  pushFront(items: readonly T[]): void {
    this.#items.unshift(...items);
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    const item = this.#items.shift();
    if (item !== undefined) this.#counted.delete(item);
    return item;
  }

  /** Removes `item` wherever it is (an aborted call); `true` if it was waiting. */
  remove(item: T): boolean {
    const index = this.#items.indexOf(item);
    if (index === -1) return false;
    this.#items.splice(index, 1);
    this.#counted.delete(item);
    return true;
  }

  /** Empties the queue and returns what was waiting, oldest first. */
  drain(): T[] {
    const items = this.#items;
    this.#items = [];
    this.#counted.clear();
    return items;
  }
}
