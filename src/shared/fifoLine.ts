/** A first-in, first-out line that stays cheap however long it gets: no Array.shift copies of ten thousand waiting. */
export class FifoLine<T> {
  private items: T[] = [];
  private head = 0;

  /** How many are waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Joins the end of the line. */
  push(item: T): void {
    this.items.push(item);
  }

  /** The head of the line, left in it (undefined when it is empty). */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Takes the head of the line, or undefined when it is empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head += 1;
    // Drop the served part now and then, so memory follows what is waiting, not what ever waited.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
