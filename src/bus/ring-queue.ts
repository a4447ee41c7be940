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
    const index = (this.head + this.count) % this.capacity;
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

  /** Moves up to `max` of the oldest entries into the given arrays (cleared first). */
  takeInto(max: number, topics: string[], messages: T[]): number {
    topics.length = 0;
    messages.length = 0;
    const n = Math.min(max, this.count);
    for (let i = 0; i < n; i++) {
      const index = (this.head + i) % this.capacity;
      topics.push(this.topics[index]);
      messages.push(this.messages[index]);
      this.messages[index] = undefined as T;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    return n;
  }
}
