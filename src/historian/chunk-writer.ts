// Worker side: copies a transferred column batch into DuckDB DataChunks (2,048 rows each) and hands
// them to the appender. Columns are copied with memcpy-like calls; no per-row JS objects or BigInts.

import { BIGINT, DOUBLE, DuckDBDataChunk, INTEGER, UTINYINT, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
// The low-level bindings ship with @duckdb/node-api (same pinned version); they are the only way to
// copy whole typed arrays into a chunk's vectors.
import bindings from '@duckdb/node-bindings';
import type { ColumnBatch } from './protocol.js';

const TWO_32 = 4_294_967_296;

/** Appends batches to the `landing` table: tag, ts, seq, q, num, str. */
export class ChunkWriter {
  private readonly chunk = DuckDBDataChunk.create([INTEGER, BIGINT, BIGINT, UTINYINT, DOUBLE, VARCHAR]);
  private readonly size = bindings.vector_size();
  private readonly ts64 = new Int32Array(this.size * 2);
  private readonly seq64 = new Int32Array(this.size * 2);
  private readonly numValid = new Uint32Array(Math.ceil(this.size / 64) * 2);
  private readonly strValid = new Uint32Array(Math.ceil(this.size / 64) * 2);

  constructor(private readonly appender: DuckDBAppender) {}

  /** Appends every row of `batch`, numbering rows from `seq` (the last-write-wins order). Returns the next seq. */
  append(batch: ColumnBatch, seq: number): number {
    const { count, strIndex, strValues } = batch;
    let nextString = 0;
    for (let start = 0; start < count; start += this.size) {
      const n = Math.min(this.size, count - start);
      const raw = this.chunk.chunk;
      bindings.data_chunk_reset(raw);
      for (let i = 0; i < n; i++) {
        const t = batch.ts[start + i];
        const hi = Math.floor(t / TWO_32);
        this.ts64[2 * i] = t - hi * TWO_32;
        this.ts64[2 * i + 1] = hi;
        const s = seq + start + i;
        const shi = Math.floor(s / TWO_32);
        this.seq64[2 * i] = s - shi * TWO_32;
        this.seq64[2 * i + 1] = shi;
      }
      this.numValid.fill(0xffffffff);
      this.strValid.fill(0);
      const strVector = bindings.data_chunk_get_vector(raw, 5);
      while (nextString < strIndex.length && strIndex[nextString] < start + n) {
        const row = strIndex[nextString] - start;
        bindings.vector_assign_string_element(strVector, row, strValues[nextString]);
        this.strValid[row >>> 5] |= 1 << (row & 31);
        this.numValid[row >>> 5] &= ~(1 << (row & 31));
        nextString++;
      }
      copy(raw, 0, batch.tag, start, n);
      copy(raw, 1, this.ts64, 0, n * 2);
      copy(raw, 2, this.seq64, 0, n * 2);
      copy(raw, 3, batch.quality, start, n);
      copy(raw, 4, batch.num, start, n);
      const numVector = bindings.data_chunk_get_vector(raw, 4);
      bindings.vector_ensure_validity_writable(numVector);
      bindings.copy_data_to_vector_validity(numVector, 0, this.numValid.buffer, 0, this.numValid.byteLength);
      bindings.vector_ensure_validity_writable(strVector);
      bindings.copy_data_to_vector_validity(strVector, 0, this.strValid.buffer, 0, this.strValid.byteLength);
      bindings.data_chunk_set_size(raw, n);
      this.appender.appendDataChunk(this.chunk);
    }
    return seq + count;
  }
}

function copy(
  raw: DuckDBDataChunk['chunk'],
  column: number,
  array: Int32Array | Float64Array | Uint8Array,
  offset: number,
  length: number,
): void {
  const vector = bindings.data_chunk_get_vector(raw, column);
  const bytes = array.BYTES_PER_ELEMENT;
  bindings.copy_data_to_vector(vector, 0, array.buffer as ArrayBuffer, array.byteOffset + offset * bytes, length * bytes);
}
