// The live WebSocket (`/api/v1/live`): one connection per pattern, reconnecting with backoff.
import { liveUrl } from './api.js';
import type { LiveMessage, LiveSample } from './api-types.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveHandlers {
  /** The first message after each (re)connect: the latest value of every matching tag. */
  onSnapshot(samples: LiveSample[]): void;
  onSamples(samples: LiveSample[]): void;
  onStatus?(status: LiveStatus): void;
}

/** Subscribes to a tag pattern until `close()`; survives server restarts. */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private retryMs = 500;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly pattern: string, private readonly handlers: LiveHandlers) {
    this.open();
  }

  private open(): void {
    this.setStatus(this.retryMs > 500 ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(liveUrl(this.pattern));
    this.socket = socket;
    socket.onmessage = (event) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(String(event.data)) as LiveMessage;
      } catch {
        return;
      }
      if (message.type === 'snapshot') {
        this.retryMs = 500;
        this.setStatus('live');
        this.handlers.onSnapshot(message.samples);
      } else if (message.type === 'samples') {
        this.handlers.onSamples(message.samples);
      }
    };
    socket.onopen = () => this.setStatus('live');
    socket.onclose = () => {
      if (this.closed) return;
      this.setStatus('reconnecting');
      this.timer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
    // Errors are followed by close, which schedules the retry.
    socket.onerror = () => undefined;
  }

  private setStatus(status: LiveStatus): void {
    this.handlers.onStatus?.(status);
    liveStatus.set(status);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close();
    }
    liveStatus.set('closed');
  }
}

/** The state of the page's live connection, for the header's indicator. */
export const liveStatus = {
  value: 'closed' as LiveStatus,
  listeners: new Set<(status: LiveStatus) => void>(),
  set(status: LiveStatus) {
    if (status === this.value) return;
    this.value = status;
    for (const listener of this.listeners) listener(status);
  },
  subscribe(listener: (status: LiveStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  },
};
