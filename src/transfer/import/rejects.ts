// The reject report: an exact count per reason for every refused row or cell, and the first ones in a
// CSV file (line, column, reason, detail, the row as read) a person can open next to the source file.
import { createWriteStream, type WriteStream } from 'node:fs';
import { csvLine } from '../csv-text.js';

/** Why a row (or one cell of a wide row) was not imported. */
export type RejectReason =
  | 'malformed_row'
  | 'column_count'
  | 'bad_timestamp'
  | 'unknown_tag'
  | 'wrong_type'
  | 'bad_value'
  | 'bad_quality'
  | 'wrong_unit'
  | 'missing_value'
  | 'duplicate_row';

export interface RejectSample {
  line: number;
  column: string;
  reason: RejectReason;
  detail: string;
}

export class RejectReport {
  readonly byReason: Partial<Record<RejectReason, number>> = {};
  total = 0;
  /** The first few, kept for the summary printed at the end. */
  readonly first: RejectSample[] = [];
  written = 0;
  /** Why the rejects file could not be written (a read-only folder ...); the counts are still complete. */
  error?: string;
  private stream?: WriteStream;

  constructor(
    private readonly file: string | undefined,
    private readonly keep: number,
  ) {}

  add(line: number, column: string, reason: RejectReason, detail: string, record: readonly unknown[]): void {
    this.total++;
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
    if (this.first.length < 5) this.first.push({ line, column, reason, detail });
    if (this.file && this.written < this.keep && this.error === undefined) {
      if (!this.stream) {
        this.stream = createWriteStream(this.file);
        this.stream.on('error', (error) => {
          this.error = `${this.file}: ${error.message}`;
        });
        this.stream.write(csvLine(['line', 'column', 'reason', 'detail', 'record']));
      }
      const text = csvLine(record.map((v) => (v === null || v === undefined ? '' : String(v)))).slice(0, -1);
      this.stream.write(csvLine([String(line), column, reason, detail, text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text]));
      this.written++;
    }
  }

  /** Where the rejects went, once any were written. */
  get path(): string | undefined {
    return this.stream && this.error === undefined ? this.file : undefined;
  }

  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream || stream.destroyed) return;
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
}
