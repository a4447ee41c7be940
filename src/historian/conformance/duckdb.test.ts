// The conformance suite against the embedded DuckDB backend, one fresh database file per test.
// Compaction runs only on flush() (and close), so the suite sees samples both in the landing table
// and compacted into raw and the rollups.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { DuckDbHistorian } from '../index.js';
import type { Historian } from '../types.js';
import { compressionConformance } from './compression-suite.js';
import { historianConformance, type ConformanceOptions, type MakeHistorian } from './suite.js';

const root = mkdtempSync(join(tmpdir(), 'loom-conformance-duckdb-'));
after(() => rmSync(root, { recursive: true, force: true }));
let fileNo = 0;

const makeDuckDb: MakeHistorian = async (options: ConformanceOptions = {}) => {
  const path = join(root, `h${++fileNo}.duckdb`);
  const make = () => new DuckDbHistorian({ path, compactAfterMs: 3_600_000, compactRows: 100_000_000, ...options });
  const instances: DuckDbHistorian[] = [make()];
  await instances[0].open();
  return {
    historian: instances[0],
    // DuckDB allows one instance per file: reopening closes the current one first.
    async reopen(): Promise<Historian> {
      await instances[instances.length - 1].close();
      const next = make();
      instances.push(next);
      await next.open();
      return next;
    },
    async cleanup() {
      for (const instance of instances) await instance.close().catch(() => undefined);
      rmSync(path, { force: true });
      rmSync(`${path}.stage`, { force: true });
      rmSync(`${path}.wal`, { force: true });
      rmSync(`${path}.stage.wal`, { force: true });
    },
  };
};

historianConformance('DuckDB', makeDuckDb);
compressionConformance('DuckDB', makeDuckDb);
