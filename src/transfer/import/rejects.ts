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
  /** The row as read, as one CSV line (cut at 2,000 characters). */
  record: string;
}

export const REJECTS_HEADER = ['line', 'column', 'reason', 'detail', 'record'];

/** One reject as a line of the rejects CSV file. */
export function rejectLine(sample: RejectSample): string {
  return csvLine([String(sample.line), sample.column, sample.reason, sample.detail, sample.record]);
}

export class RejectReport {
  readonly byReason: Partial<Record<RejectReason, number>> = {};
  total = 0;
  /** The first ones (`inMemory` of them), kept for the summary and the API's answer. */
  readonly first: RejectSample[] = [];
  written = 0;
  /** Why the rejects file could not be written (a read-only folder ...); the counts are still complete. */
  error?: string;
  private stream?: WriteStream;

  constructor(
    private readonly file: string | undefined,
    private readonly keep: number,
    private readonly inMemory = 5,
  ) {}

  add(line: number, column: string, reason: RejectReason, detail: string, record: readonly unknown[]): void {
    this.total++;
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
    const wanted = this.first.length < this.inMemory;
    const toFile = this.file !== undefined && this.written < this.keep && this.error === undefined;
    if (!wanted && !toFile) return;
    const text = csvLine(record.map((v) => (v === null || v === undefined ? '' : String(v)))).slice(0, -1);
    const sample: RejectSample = { line, column, reason, detail, record: text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text };
    if (wanted) this.first.push(sample);
    if (toFile) {
      if (!this.stream) {
        this.stream = createWriteStream(this.file!);
        this.stream.on('error', (error) => {
          this.error = `${this.file}: ${error.message}`;
        });
        this.stream.write(csvLine(REJECTS_HEADER));
      }
      this.stream.write(rejectLine(sample));
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
