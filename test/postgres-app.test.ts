import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { loadDemoConfig, parseConfig } from '../src/model/index.js';
import { startTestLoom } from './helpers.js';

const URL = process.env.LOOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PRESS = 'acme/berlin/machining/line-1/press-1';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const available = await reachable();
const skip = available || process.env.CI === 'true' ? false : `PostgreSQL is not reachable at ${URL} (set LOOM_TEST_PG_URL)`;

test('historian.engine postgres: the app stores and answers history in PostgreSQL', { skip }, async () => {
  const schema = `loom_app_test_${process.pid}`;
  const base = loadDemoConfig();
  const config = parseConfig(JSON.stringify({ plant: base.config.plant, simulator: { enabled: false }, historian: { engine: 'postgres', url: URL, schema } }));
  const loom = await startTestLoom({ loaded: { ...base, config } });
  try {
    loom.registry.upsert({ path: `${PRESS}/temperature`, asset: PRESS, name: 'temperature', type: 'number', unit: 'degC' });
    const t0 = Date.UTC(2026, 10, 26, 6, 0, 0);
    const samples = Array.from({ length: 120 }, (_, i) => ({ tag: `${PRESS}/temperature`, ts: t0 + i * 1000, value: 100 + i }));
    const response = await loom.api.inject({ method: 'POST', url: '/api/v1/samples', payload: { samples } });
    assert.deepEqual(response.json(), { accepted: 120, rejected: 0 });
    await loom.bus.idle();
    await loom.historian.flush();
    const history = await loom.api.inject({ method: 'GET', url: `/api/v1/history?tag=${PRESS}/temperature&from=${t0}&to=${t0 + 120_000}&bucket=1m&agg=max` });
    assert.deepEqual(history.json().points.map((p: { value: number }) => p.value), [159, 219]);
    const client = new pg.Client({ connectionString: URL });
    await client.connect();
    try {
      const tables = await client.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [schema]);
      assert.ok(tables.rows[0].n > 0, 'tables in the configured schema');
    } finally {
      await client.end();
    }
  } finally {
    await loom.stop();
    const client = new pg.Client({ connectionString: URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
});
