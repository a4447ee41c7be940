import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** One action taken on the plant (a write-back, later a rule's action): who, what, when, and how it ended. */
export interface AuditRecord {
  ts: number;
  action: 'write';
  tag: string;
  value: unknown;
  user: string;
  reason?: string;
  /** The connector that carried it out. */
  connector?: string;
  result: 'ok' | 'refused' | 'failed';
  detail?: string;
}

/**
 * The audit trail: every action attempt, successful or not, in memory (recent) and appended to a
 * JSON-lines file that is never rewritten.
 */
export class AuditLog {
  private readonly recent: AuditRecord[] = [];
  private stream?: WriteStream;

  constructor(
    file?: string,
    private readonly memoryLimit = 5_000,
  ) {
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      this.stream = createWriteStream(file, { flags: 'a' });
    }
  }

  record(record: AuditRecord): AuditRecord {
    this.recent.push(record);
    if (this.recent.length > this.memoryLimit) this.recent.splice(0, this.recent.length - this.memoryLimit);
    this.stream?.write(`${JSON.stringify(record)}\n`);
    return record;
  }

  /** Newest first. */
  list(limit = 100): AuditRecord[] {
    return this.recent.slice(-limit).reverse();
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }
}
