// The conformance suite against the embedded DuckDB backend, one fresh database file per test.
// Compaction runs only on flush() (and close), so the suite sees samples both in the landing table
// and compacted into raw and the rollups.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { DuckDbHistorian } from '../index.js';
import { compressionConformance } from './compression-suite.js';
import { historianConformance, storeHandle, type ConformanceOptions, type MakeHistorian } from './suite.js';

const root = mkdtempSync(join(tmpdir(), 'loom-conformance-duckdb-'));
after(() => rmSync(root, { recursive: true, force: true }));
let fileNo = 0;

const makeDuckDb: MakeHistorian = async (options: ConformanceOptions = {}) => {
  const path = join(root, `h${++fileNo}.duckdb`);
  const make = () => new DuckDbHistorian({ path, compactAfterMs: 3_600_000, compactRows: 100_000_000, ...options });
  return storeHandle(make, () => {
    for (const file of [path, `${path}.stage`, `${path}.wal`, `${path}.stage.wal`]) rmSync(file, { force: true });
  });
};

historianConformance('DuckDB', makeDuckDb);
compressionConformance('DuckDB', makeDuckDb);
