// A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF) that
// keeps only the unfinished record in memory and numbers records by the file line they start on.

/** One record of the file, or a stretch of it that could not be read as one. */
export interface CsvRecord {
  /** File line the record starts on (1-based). */
  line: number;
  fields: string[];
  /** Set when the text could not be read as a record (too long, unterminated quote); `fields` is empty. */
  problem?: string;
}

export interface CsvParserOptions {
  delimiter?: string;
  /** A record longer than this is reported and skipped up to the next line (default 1 MiB). */
  maxRecordChars?: number;
}

export class CsvParser {
  private buf = '';
  private line = 1;
  /** Discarding the rest of an overlong record up to the next newline. */
  private skipping = false;
  private readonly delimiter: string;
  private readonly maxRecordChars: number;

  constructor(options: CsvParserOptions = {}) {
    this.delimiter = options.delimiter ?? ',';
    if (this.delimiter.length !== 1 || this.delimiter === '"' || this.delimiter === '\n') throw new Error(`delimiter '${this.delimiter}' must be one character other than a quote or newline`);
    this.maxRecordChars = options.maxRecordChars ?? 1 << 20;
  }

  /** Adds text and appends every record it completes to `out`. */
  push(text: string, out: CsvRecord[]): void {
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    this.drain(out);
  }

  /** Ends the input: a last record without a newline is completed, an unterminated quote reported. */
  end(out: CsvRecord[]): void {
    if (this.buf.length > 0 && !this.buf.endsWith('\n')) this.buf += '\n';
    this.drain(out);
    if (this.buf.length > 0) {
      out.push({ line: this.line, fields: [], problem: 'a quoted field is never closed (unterminated quote up to the end of the file)' });
      this.buf = '';
    }
  }

  private drain(out: CsvRecord[]): void {
    const buf = this.buf;
    const d = this.delimiter;
    let pos = 0;
    // Position of the next quote at or after pos, recomputed only once passed: an indexOf per line
    // would rescan the whole buffer for files without quotes.
    let quote = buf.indexOf('"');
    if (quote < 0) quote = Infinity;
    while (pos < buf.length) {
      if (this.skipping) {
        const nl = buf.indexOf('\n', pos);
        if (nl < 0) {
          pos = buf.length;
          break;
        }
        pos = nl + 1;
        this.line++;
        this.skipping = false;
        continue;
      }
      if (quote < pos) {
        quote = buf.indexOf('"', pos);
        if (quote < 0) quote = Infinity;
      }
      const nl = buf.indexOf('\n', pos);
      if (nl >= 0 && quote > nl) {
        const end = nl > pos && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        out.push({ line: this.line, fields: buf.slice(pos, end).split(d) });
        this.line++;
        pos = nl + 1;
        continue;
      }
      const parsed = nl < 0 && quote === Infinity ? undefined : parseQuotedRecord(buf, pos, d);
      if (parsed === undefined) {
        if (buf.length - pos > this.maxRecordChars) {
          out.push({ line: this.line, fields: [], problem: `record is longer than ${this.maxRecordChars} characters (binary data, or an unterminated quote); skipped to the next line` });
          const nextNl = buf.indexOf('\n', pos + this.maxRecordChars);
          if (nextNl < 0) {
            this.skipping = true;
            pos = buf.length;
          } else {
            // The skipped text may hold line breaks (inside an unclosed quote): count them all.
            this.line += countNewlines(buf.slice(pos, nextNl + 1));
            pos = nextNl + 1;
          }
          continue;
        }
        break;
      }
      out.push({ line: this.line, fields: parsed.fields });
      this.line += parsed.lines;
      pos = parsed.next;
    }
    this.buf = pos >= buf.length ? '' : buf.slice(pos);
  }
}

/** Parses one record that holds quotes; undefined when the buffer ends before the record does. */
function parseQuotedRecord(buf: string, start: number, d: string): { fields: string[]; next: number; lines: number } | undefined {
  const fields: string[] = [];
  let lines = 0;
  let i = start;
  let field = '';
  for (;;) {
    if (i >= buf.length) return undefined;
    if (buf[i] === '"' ) {
      let from = i + 1;
      for (;;) {
        const q = buf.indexOf('"', from);
        if (q < 0 || q + 1 >= buf.length) return undefined;
        const part = buf.slice(from, q);
        field += part;
        lines += countNewlines(part);
        if (buf[q + 1] === '"') {
          field += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
    }
    // Unquoted text, or stray text after a closing quote (kept as it is, as spreadsheets do).
    let j = i;
    while (j < buf.length) {
      const c = buf[j];
      if (c === d || c === '\n') break;
      j++;
    }
    if (j >= buf.length) return undefined;
    let text = buf.slice(i, j);
    if (buf[j] === '\n' && text.endsWith('\r')) text = text.slice(0, -1);
    field += text;
    fields.push(field);
    field = '';
    if (buf[j] === '\n') return { fields, next: j + 1, lines: lines + 1 };
    i = j + 1;
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) n++;
  return n;
}
