// Daily partitions of `raw` (PARTITION BY RANGE (ts), ts in BIGINT ms): made on demand before a
// commit that needs them, one day ahead of the newest data, and dropped whole by retention.

import type { PoolClient } from 'pg';
import { DAY_MS, ident } from './pg-sql.js';

/** Partition name for the day starting at `day` (ms): `raw_20260105`, or `raw_d<index>` outside years 1970-9999. */
export function partitionName(day: number): string {
  const date = new Date(day);
  const year = date.getUTCFullYear();
  if (year >= 1970 && year <= 9999) return `raw_${date.toISOString().slice(0, 10).replaceAll('-', '')}`;
  const index = Math.floor(day / DAY_MS);
  return `raw_d${index < 0 ? `m${-index}` : index}`;
}

export class Partitions {
  private readonly days = new Set<number>();

  constructor(private readonly schema: string) {}

  /** Reads the partitions that exist (their lower bounds). */
  async load(client: PoolClient): Promise<void> {
    const result = await client.query<{ bound: string }>(
      `SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = $1::regclass`,
      [`${ident(this.schema)}.raw`],
    );
    this.days.clear();
    for (const row of result.rows) {
      const match = /FROM \('?(-?\d+)'?\)/.exec(row.bound);
      if (match) this.days.add(Number(match[1]));
    }
  }

  /** Creates the partitions for `days` (day starts, ms) that are missing, plus the day after the newest. */
  async ensure(client: PoolClient, days: Iterable<number>): Promise<number> {
    let newest = -Infinity;
    const wanted = new Set<number>();
    for (const day of days) {
      wanted.add(day);
      newest = Math.max(newest, day);
    }
    if (newest > -Infinity) wanted.add(newest + DAY_MS);
    let created = 0;
    for (const day of [...wanted].sort((a, b) => a - b)) {
      if (this.days.has(day)) continue;
      const s = ident(this.schema);
      try {
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${s}.${ident(partitionName(day))} PARTITION OF ${s}.raw FOR VALUES FROM (${day}) TO (${day + DAY_MS})`,
        );
        created++;
      } catch (error) {
        // Another historian on the same schema created it at the same moment.
        const code = (error as { code?: string }).code;
        if (code !== '42P07' && code !== '23505') throw error;
      }
      this.days.add(day);
    }
    return created;
  }

  /** Day starts of the partitions whose whole day lies before `cut`, oldest first. */
  before(cut: number): number[] {
    return [...this.days].filter((day) => day + DAY_MS <= cut).sort((a, b) => a - b);
  }

  forget(day: number): void {
    this.days.delete(day);
  }

  get count(): number {
    return this.days.size;
  }
}
