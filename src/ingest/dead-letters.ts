import { createWriteStream, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** Why an input was refused. Every reason is counted separately. */
export type DeadLetterReason =
  | 'unknown_tag'
  | 'wrong_type'
  | 'bad_value'
  | 'bad_timestamp'
  | 'bad_quality'
  | 'malformed'
  | 'queue_full';

/** A refused input, kept with the reason so nothing is lost silently. */
export interface DeadLetter {
  /** When it was refused (ms UTC). */
  ts: number;
  /** Which connector or API route sent it. */
  source: string;
  reason: DeadLetterReason;
  /** A sentence saying what was wrong and where. */
  detail: string;
  /** The input as received (truncated when huge). */
  sample: unknown;
}

export interface DeadLetterStoreOptions {
  /** How many recent letters stay in memory for the API (default 10,000). */
  memoryLimit?: number;
  /** JSON-lines file every letter is appended to; omitted: memory only. */
  file?: string;
  /** The file rotates to `<file>.1` past this size (default 64 MiB), so disk use stays bounded. */
  maxFileBytes?: number;
}

const MAX_KEPT_SAMPLE_CHARS = 2_000;

/**
 * Keeps refused inputs: exact counts per reason forever, the latest letters in memory, all of them in a
 * size-capped JSON-lines file on disk.
 */
export class DeadLetterStore {
  private readonly recent: DeadLetter[] = [];
  private readonly counts = new Map<string, number>();
  private readonly memoryLimit: number;
  private readonly maxFileBytes: number;
  private stream?: WriteStream;
  private fileBytes = 0;
  total = 0;

  constructor(private readonly options: DeadLetterStoreOptions = {}) {
    this.memoryLimit = options.memoryLimit ?? 10_000;
    this.maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
    if (options.file) {
      mkdirSync(dirname(options.file), { recursive: true });
      try {
        this.fileBytes = statSync(options.file).size;
      } catch {
        this.fileBytes = 0;
      }
      this.stream = createWriteStream(options.file, { flags: 'a' });
    }
  }

  add(letter: Omit<DeadLetter, 'ts'> & { ts?: number }): void {
    const kept: DeadLetter = { ...letter, ts: letter.ts ?? Date.now(), sample: bound(letter.sample) };
    this.total++;
    const key = `${kept.reason}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.recent.push(kept);
    if (this.recent.length > this.memoryLimit) this.recent.splice(0, this.recent.length - this.memoryLimit);
    if (this.stream) this.append(kept);
  }

  /** Newest first. */
  list(limit = 100): DeadLetter[] {
    return this.recent.slice(-limit).reverse();
  }

  byReason(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }

  private append(letter: DeadLetter): void {
    const line = `${JSON.stringify(letter)}\n`;
    this.fileBytes += Buffer.byteLength(line);
    this.stream!.write(line);
    if (this.fileBytes > this.maxFileBytes && this.options.file) {
      const file = this.options.file;
      this.stream!.end();
      renameSync(file, `${file}.1`);
      this.stream = createWriteStream(file, { flags: 'a' });
      this.fileBytes = 0;
    }
  }
}

function bound(sample: unknown): unknown {
  let text: string;
  try {
    text = JSON.stringify(sample) ?? String(sample);
  } catch {
    return String(sample);
  }
  return text.length > MAX_KEPT_SAMPLE_CHARS ? `${text.slice(0, MAX_KEPT_SAMPLE_CHARS)}… (${text.length} chars)` : sample;
}
