// `COPY ... FROM STDIN` with the plain `pg` client and no extra dependency: a "submittable" (the
// hook `pg` offers for custom protocol flows, the one pg-copy-streams uses) that sends the COPY
// statement, streams the rows as CopyData messages once the server asks for them, and settles
// when the server is ready again. Rows are in PostgreSQL's text format.

import type { Connection, Submittable } from 'pg';

/** The protocol calls `pg` makes on the active query; only the COPY-in ones matter here. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

export class CopyIn implements Submittable {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: Error) => void;
  private error?: Error;
  private rows = 0;

  /** `chunks` are text-format lines (tab-separated, `\N` for NULL, each ending in a newline). */
  constructor(
    private readonly sql: string,
    private readonly chunks: readonly string[],
  ) {
    this.done = new Promise<number>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection): void {
    (connection as unknown as CopyConnection).query(this.sql);
  }

  handleCopyInResponse(connection: Connection): void {
    const copy = connection as unknown as CopyConnection;
    for (const chunk of this.chunks) copy.sendCopyFromChunk(Buffer.from(chunk, 'utf8'));
    copy.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /COPY (\d+)/.exec(message.text ?? '');
    if (match) this.rows = Number(match[1]);
  }

  // Rejects at once: a broken connection sends no ReadyForQuery. `pg` queues the caller's next
  // statement (its ROLLBACK) until the server is ready again.
  handleError(error: Error): void {
    this.error = error;
    this.reject(error);
  }

  handleReadyForQuery(): void {
    if (!this.error) this.resolve(this.rows);
  }

  // Not part of a COPY FROM flow, but `pg` may call them on the active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** A text value escaped for COPY's text format. */
export function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A double in COPY's text format (PostgreSQL reads NaN and Infinity as written by JS). */
export function copyNumber(value: number): string {
  return Number.isNaN(value) ? 'NaN' : String(value);
}
