import { patternError, topicMatches } from '../model/index.js';
import { RingQueue } from './ring-queue.js';

/** What happens when a subscriber's queue is full: lose the new message or the oldest waiting one. */
export type OverflowPolicy = 'drop-newest' | 'drop-oldest';

export interface SubscribeOptions {
  /** Shown in stats and metrics, e.g. `historian`, `ws:3`. */
  name: string;
  /** Messages that may wait before drops start (default: the bus's queueLimit). */
  queueLimit?: number;
  overflow?: OverflowPolicy;
  /** Largest batch handed to a batch handler (default 1,000). */
  maxBatch?: number;
}

/** Receives a batch of messages in publish order; may return a promise to hold back the next batch. */
export type BatchHandler<T> = (messages: T[], topics: string[]) => void | Promise<void>;

export interface SubscriberStats {
  name: string;
  pattern: string;
  depth: number;
  limit: number;
  delivered: number;
  dropped: number;
  errors: number;
}

export interface BusStats {
  published: number;
  /** Messages that matched no subscriber. */
  unrouted: number;
  dropped: number;
  subscribers: SubscriberStats[];
}

export interface BusOptions {
  queueLimit?: number;
  /** Called when a handler throws or rejects; the bus itself never lets it escape. */
  onHandlerError?: (error: unknown, subscriber: string) => void;
  /** Called for every message a full queue drops, so it can be kept (dead-lettered) rather than lost. */
  onDrop?: (subscriber: string, topic: string, message: unknown) => void;
}

export interface Subscription {
  readonly name: string;
  readonly pattern: string;
  unsubscribe(): void;
}

// Synchronous handlers are fed in slices of this many messages per event-loop turn so that a flood
// on one subscriber cannot starve timers, sockets and other subscribers.
const SYNC_BUDGET_PER_TURN = 20_000;
const ROUTE_CACHE_LIMIT = 200_000;

class Subscriber<T> implements Subscription {
  readonly queue: RingQueue<T>;
  readonly overflow: OverflowPolicy;
  readonly maxBatch: number;
  delivered = 0;
  dropped = 0;
  errors = 0;
  busy = false;
  closed = false;
  /** Already in the bus's pending-drain set (saves a Set insert per published message). */
  scheduled = false;

  constructor(
    private readonly bus: Bus<T>,
    readonly name: string,
    readonly pattern: string,
    readonly handler: BatchHandler<T>,
    options: SubscribeOptions,
    defaultLimit: number,
  ) {
    this.queue = new RingQueue<T>(options.queueLimit ?? defaultLimit);
    this.overflow = options.overflow ?? 'drop-newest';
    this.maxBatch = options.maxBatch ?? 1_000;
  }

  unsubscribe(): void {
    this.bus.remove(this);
  }

  /** Delivers queued messages until the queue is empty, the turn's budget is spent, or a handler is async. */
  async drain(onError: (error: unknown, name: string) => void): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    let budget = SYNC_BUDGET_PER_TURN;
    try {
      while (this.queue.length > 0 && !this.closed) {
        // Fresh arrays per batch: the handler may keep them.
        const { topics, messages } = this.queue.take(this.maxBatch);
        const n = messages.length;
        try {
          const result = this.handler(messages, topics);
          if (result && typeof (result as Promise<void>).then === 'function') {
            await result;
            budget = SYNC_BUDGET_PER_TURN;
          } else {
            budget -= n;
          }
          this.delivered += n;
        } catch (error) {
          this.errors++;
          onError(error, this.name);
        }
        this.bus.noteProgress();
        if (budget <= 0) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          budget = SYNC_BUDGET_PER_TURN;
        }
      }
    } finally {
      this.busy = false;
      this.bus.noteProgress();
    }
  }

  stats(): SubscriberStats {
    return {
      name: this.name,
      pattern: this.pattern,
      depth: this.queue.length,
      limit: this.queue.capacity,
      delivered: this.delivered,
      dropped: this.dropped,
      errors: this.errors,
    };
  }
}

/**
 * In-process publish/subscribe on UNS paths with MQTT-style wildcards.
 *
 * Each subscriber has its own bounded queue and drains at its own pace, so a slow consumer (a browser
 * on a bad link) never slows a fast one (the historian). A full queue drops by the subscriber's policy
 * and counts the drop. Producers that can wait (backfill, replay) call `waitForRoom()` to slow down
 * instead of losing data.
 *
 * @example
 * const bus = new Bus<Sample>();
 * bus.subscribe('acme/+/assembly/#', (samples) => store(samples), { name: 'historian' });
 * bus.publish(sample.tag, sample);
 */
export class Bus<T = unknown> {
  private readonly subscribers = new Set<Subscriber<T>>();
  private readonly routes = new Map<string, Subscriber<T>[]>();
  private readonly pendingDrain = new Set<Subscriber<T>>();
  private drainScheduled = false;
  private roomWaiters: Array<{ ratio: number; resolve: () => void }> = [];
  private readonly queueLimit: number;
  private readonly onHandlerError: (error: unknown, subscriber: string) => void;
  private readonly onDrop?: (subscriber: string, topic: string, message: unknown) => void;
  published = 0;
  unrouted = 0;

  constructor(options: BusOptions = {}) {
    this.queueLimit = options.queueLimit ?? 100_000;
    this.onHandlerError = options.onHandlerError ?? (() => undefined);
    this.onDrop = options.onDrop;
  }

  /** Subscribes a batch handler to a pattern. Throws on an invalid pattern. */
  subscribe(pattern: string, handler: BatchHandler<T>, options: SubscribeOptions): Subscription {
    const problem = patternError(pattern);
    if (problem) throw new Error(`invalid subscription pattern '${pattern}': ${problem}`);
    const subscriber = new Subscriber<T>(this, options.name, pattern, handler, options, this.queueLimit);
    this.subscribers.add(subscriber);
    this.routes.clear();
    return subscriber;
  }

  /** Publishes one message. Returns false when at least one subscriber had to drop a message. */
  publish(topic: string, message: T): boolean {
    this.published++;
    let targets = this.routes.get(topic);
    if (targets === undefined) {
      targets = [];
      for (const subscriber of this.subscribers) if (topicMatches(subscriber.pattern, topic)) targets.push(subscriber);
      if (this.routes.size >= ROUTE_CACHE_LIMIT) this.routes.clear();
      this.routes.set(topic, targets);
    }
    if (targets.length === 0) {
      this.unrouted++;
      return true;
    }
    let accepted = true;
    for (let i = 0; i < targets.length; i++) {
      const subscriber = targets[i];
      if (!subscriber.queue.push(topic, message)) {
        subscriber.dropped++;
        accepted = false;
        if (subscriber.overflow === 'drop-oldest') {
          const [oldTopic, oldMessage] = subscriber.queue.dropOldest();
          subscriber.queue.push(topic, message);
          this.onDrop?.(subscriber.name, oldTopic, oldMessage);
        } else {
          this.onDrop?.(subscriber.name, topic, message);
        }
      }
      if (!subscriber.busy && !subscriber.scheduled) {
        subscriber.scheduled = true;
        this.pendingDrain.add(subscriber);
      }
    }
    this.scheduleDrain();
    return accepted;
  }

  /** Resolves once every subscriber's queue is at most `ratio` full (producers' backpressure). */
  waitForRoom(ratio = 0.5): Promise<void> {
    if (this.hasRoom(ratio)) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ ratio, resolve }));
  }

  /** Resolves when every queue is empty and no handler is running. */
  async idle(): Promise<void> {
    while (true) {
      let busy = false;
      for (const subscriber of this.subscribers) if (subscriber.busy || subscriber.queue.length > 0) busy = true;
      if (!busy) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  stats(): BusStats {
    const subscribers = [...this.subscribers].map((s) => s.stats());
    return {
      published: this.published,
      unrouted: this.unrouted,
      dropped: subscribers.reduce((sum, s) => sum + s.dropped, 0),
      subscribers,
    };
  }

  /** @internal */
  remove(subscriber: Subscriber<T>): void {
    subscriber.closed = true;
    this.subscribers.delete(subscriber);
    this.pendingDrain.delete(subscriber);
    this.routes.clear();
    this.noteProgress();
  }

  /** @internal Wakes producers waiting for room. */
  noteProgress(): void {
    if (this.roomWaiters.length === 0) return;
    const waiting = this.roomWaiters;
    this.roomWaiters = [];
    for (const waiter of waiting) {
      if (this.hasRoom(waiter.ratio)) waiter.resolve();
      else this.roomWaiters.push(waiter);
    }
  }

  private hasRoom(ratio: number): boolean {
    for (const subscriber of this.subscribers) {
      if (subscriber.queue.length > subscriber.queue.capacity * ratio) return false;
    }
    return true;
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    // setImmediate rather than a microtask: publishers in a tight loop hand over whole batches.
    setImmediate(() => {
      this.drainScheduled = false;
      const ready = [...this.pendingDrain];
      this.pendingDrain.clear();
      for (const subscriber of ready) subscriber.scheduled = false;
      for (const subscriber of ready) void subscriber.drain(this.onHandlerError).then(() => this.requeueIfNeeded(subscriber));
    });
  }

  private requeueIfNeeded(subscriber: Subscriber<T>): void {
    if (!subscriber.closed && subscriber.queue.length > 0 && !subscriber.busy && !subscriber.scheduled) {
      subscriber.scheduled = true;
      this.pendingDrain.add(subscriber);
      this.scheduleDrain();
    }
  }
}
