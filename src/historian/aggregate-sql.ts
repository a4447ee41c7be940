// The SQL expression that turns a combined bucket row (the rollup columns, see `rollup-sql.ts`) into
// the value of one aggregate. Shared by the DuckDB and the PostgreSQL backend: the expressions use
// only functions both engines have.

import type { Aggregate } from './types.js';

/**
 * `stddev` is the sample standard deviation (n - 1) of the good values, from their count, sum and
 * sum of squares, so it combines exactly across rollup rows; null with fewer than two good values.
 * The difference of the two sums cancels: for a constant signal it is rounding noise (even below
 * zero), so a spread smaller than 1e-12 of the sum of squares counts as none (stddev 0); only a
 * signal whose stddev is under a millionth of its magnitude is affected.
 */
/** Sum of squared deviations from the mean, from the running sums. */
const SPREAD = '(vsum2 - vsum * vsum / n_good)';

export function aggExpression(agg: Aggregate): string {
  switch (agg) {
    case 'avg':
      return 'CASE WHEN n_good > 0 THEN vsum / n_good END';
    case 'twa':
      return 'CASE WHEN covered > 0 THEN twa_sum / covered END';
    case 'stddev':
      return `CASE WHEN n_good > 1 AND vsum2 IS NOT NULL THEN sqrt(CASE WHEN ${SPREAD} > 1e-12 * vsum2 THEN ${SPREAD} / (n_good - 1) ELSE 0 END) END`;
    case 'min':
      return 'vmin';
    case 'max':
      return 'vmax';
    case 'first':
      return 'first_val';
    case 'last':
      return 'last_val';
    case 'count':
      return 'cnt';
  }
}
