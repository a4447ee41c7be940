// Test support: a registry with a few tags of every type and a real historian in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { TagRegistry, type TagDefinition } from '../model/index.js';
import { DuckDbHistorian, PostgresHistorian } from '../historian/index.js';
import type { Historian } from '../historian/types.js';

export const PRESS = 'acme/berlin/machining/line-1/press-1';
export const TEMP = `${PRESS}/temperature`;
export const PRESSURE = `${PRESS}/pressure`;
export const RUNNING = `${PRESS}/running`;
export const PRODUCT = `${PRESS}/product`;

export const TEST_TAGS: TagDefinition[] = [
  { path: TEMP, asset: PRESS, name: 'temperature', type: 'number', unit: 'degC' },
  { path: PRESSURE, asset: PRESS, name: 'pressure', type: 'number', unit: 'bar' },
  { path: RUNNING, asset: PRESS, name: 'running', type: 'boolean' },
  { path: PRODUCT, asset: PRESS, name: 'product', type: 'string' },
];

export const PG_URL = process.env.LOOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStore {
  dir: string;
  registry: TagRegistry;
  historian: Historian;
  close(): Promise<void>;
}

/** A DuckDB (default) or PostgreSQL historian with TEST_TAGS defined; `close` removes everything. */
export async function openTestStore(engine: 'duckdb' | 'postgres' = 'duckdb'): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-transfer-'));
  const registry = new TagRegistry();
  for (const tag of TEST_TAGS) registry.upsert(tag);
  const schema = `loom_transfer_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const historian: Historian = engine === 'duckdb' ? new DuckDbHistorian({ path: join(dir, 'history.duckdb') }) : new PostgresHistorian({ url: PG_URL, schema });
  await historian.open();
  await historian.defineTags(registry.all());
  return {
    dir,
    registry,
    historian,
    async close() {
      await historian.close();
      rmSync(dir, { recursive: true, force: true });
      if (engine === 'postgres') {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    },
  };
}

/** Every raw sample of a tag in a range, as [ts, value, quality] rows, for comparing stores. */
export async function rawHistory(historian: Historian, tag: string, from: number, to: number): Promise<Array<[number, unknown, unknown]>> {
  const result = await historian.query({ tag, from, to, maxPoints: 10_000_000 });
  if (result.bucketMs !== null) throw new Error('expected raw samples');
  return result.points.map((p) => [p.ts, p.value, p.quality ?? 'good']);
}

/** Whether the test PostgreSQL answers; the reason when it does not. */
export async function postgresUnavailable(): Promise<string | false> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return false;
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    return `PostgreSQL is not reachable at ${PG_URL} (${(error as Error).message}); set LOOM_TEST_PG_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
