/** A fixed-capacity FIFO of (topic, message) pairs; pushing onto a full queue is refused, not grown. */
export class RingQueue<T> {
  private readonly topics: string[];
  private readonly messages: T[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.topics = new Array<string>(capacity);
    this.messages = new Array<T>(capacity);
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  push(topic: string, message: T): boolean {
    if (this.count === this.capacity) return false;
    let index = this.head + this.count;
    if (index >= this.capacity) index -= this.capacity;
    this.topics[index] = topic;
    this.messages[index] = message;
    this.count++;
    return true;
  }

  /** Removes the oldest entry (used by the drop-oldest overflow policy). */
  dropOldest(): [string, T] {
    const dropped: [string, T] = [this.topics[this.head], this.messages[this.head]];
    if (this.count === 0) return dropped;
    this.messages[this.head] = undefined as T;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return dropped;
  }

  /**
   * Removes up to `max` of the oldest entries and returns them in two new arrays of exactly that
   * length (the receiver may keep them: no copy is needed on either side).
   */
  take(max: number): { topics: string[]; messages: T[] } {
    const n = Math.min(max, this.count);
    const topics = new Array<string>(n);
    const messages = new Array<T>(n);
    let index = this.head;
    for (let i = 0; i < n; i++) {
      topics[i] = this.topics[index];
      messages[i] = this.messages[index];
      this.messages[index] = undefined as T;
      if (++index === this.capacity) index = 0;
    }
    this.head = index;
    this.count -= n;
    return { topics, messages };
  }
}
