/**
 * Quality-gate overhead: `validateSuite` with 25 expectations of common types on a 1M-row table,
 * against ONE hand-written aggregate query computing the same metrics (written here, not by the
 * planner), in the same process, alternating, median of several runs. Table scans are counted by
 * replaying every statement validateSuite sent under EXPLAIN ANALYZE and counting the scan nodes on
 * the table that actually ran (LIMIT 0 probes plan scans that never run).
 */
import pg from 'pg';
import { directWarehouse } from '../../src/executor/child-warehouse';
import type { Suite } from '../../src/checks/types';
import { validateSuite } from '../../src/checks/validate';
import type { Queryable } from '../../src/db/queryable';
import { median, since } from './stats';

const SCHEMA = 'bench_checks';
const TABLE = `${SCHEMA}.orders`;
const ROWS = 1_000_000;
const REPS = 5;

export interface ChecksBench {
  readonly rows: number;
  readonly expectations: number;
  readonly reps: number;
  /** Medians (ms) of validateSuite (catalog, probe, the aggregate, JavaScript) and of the hand-written query. */
  readonly validateMs: number;
  readonly handMs: number;
  readonly ratio: number;
  readonly validateRuns: readonly number[];
  readonly handRuns: readonly number[];
  /** Queries validateSuite sent, those reading the table, and scan nodes on the table that ran. */
  readonly queries: number;
  readonly tableQueries: number;
  readonly scans: number;
  /** Rows each of those scans read: the aggregate reads every row; a sample query stops at its 20th failing row. */
  readonly scanRows: readonly number[];
  readonly fullScans: number;
  readonly handScans: number;
  readonly failed: number;
  readonly loadMs: number;
}

const SETUP = `
DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE;
CREATE SCHEMA ${SCHEMA};
CREATE TABLE ${TABLE} (
  id bigint PRIMARY KEY, customer_id int, email text, status text, amount numeric(10,2), quantity int,
  discount numeric(5,2), country text, created_at timestamptz, updated_at timestamptz);
INSERT INTO ${TABLE}
SELECT g,
  CASE WHEN g % 97 = 0 THEN NULL ELSE 1 + (g * 7919) % 50000 END,
  CASE WHEN g % 53 = 0 THEN NULL WHEN g % 211 = 0 THEN 'not-an-email'
       ELSE 'user' || (g * 31) % 100000 || '@example.' || (ARRAY['com', 'org', 'net'])[1 + g % 3] END,
  (ARRAY['placed', 'paid', 'shipped', 'delivered', 'cancelled'])[1 + (g * 13) % 5],
  round(((g * 37) % 100000) / 100.0, 2),
  1 + (g * 11) % 20,
  CASE WHEN g % 3 = 0 THEN NULL ELSE ((g * 17) % 5000) / 100.0 END,
  (ARRAY['DE', 'FR', 'NL', 'BE', 'AT', 'IT', 'ES'])[1 + (g * 5) % 7],
  now() - make_interval(secs => (${ROWS} - g) * 2.5),
  now() - make_interval(secs => (${ROWS} - g) * 2.5) + make_interval(mins => (g % 120)::int)
FROM generate_series(1::bigint, ${ROWS}) g;`;

const STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'cancelled'];
const COUNTRIES = ['DE', 'FR', 'NL', 'BE', 'AT', 'IT', 'ES'];
const EMAIL_RE = '^[^@[:space:]]+@[^@[:space:]]+\\.[a-z]+$';

const e = (type: string, kwargs: Record<string, unknown>) => ({ type, kwargs, severity: 'error' as const });
export const BENCH_SUITE: Suite = {
  name: 'bench_orders',
  table: TABLE,
  file: '/bench/bench_orders.json',
  expectations: [
    e('expect_table_row_count_to_be_between', { min_value: ROWS, max_value: ROWS }),
    e('expect_column_values_to_not_be_null', { column: 'id' }),
    e('expect_column_values_to_not_be_null', { column: 'email', mostly: 0.95 }),
    e('expect_column_values_to_not_be_null', { column: 'status' }),
    e('expect_column_values_to_be_unique', { column: 'id' }),
    e('expect_column_values_to_be_between', { column: 'amount', min_value: 0, max_value: 1000 }),
    e('expect_column_values_to_be_between', { column: 'quantity', min_value: 1, max_value: 100 }),
    e('expect_column_values_to_be_between', { column: 'discount', min_value: 0, max_value: 50 }),
    e('expect_column_values_to_be_in_set', { column: 'status', value_set: STATUSES }),
    e('expect_column_values_to_be_in_set', { column: 'country', value_set: COUNTRIES }),
    // Fails by design (one email in 211 is malformed), as a warning: the samples are part of the run.
    { ...e('expect_column_values_to_match_regex', { column: 'email', regex: EMAIL_RE }), severity: 'warn' },
    e('expect_column_value_lengths_to_be_between', { column: 'country', min_value: 2, max_value: 2 }),
    e('expect_column_value_lengths_to_be_between', { column: 'email', min_value: 5, max_value: 100 }),
    e('expect_column_mean_to_be_between', { column: 'amount', min_value: 400, max_value: 600 }),
    e('expect_column_median_to_be_between', { column: 'amount', min_value: 400, max_value: 600 }),
    e('expect_column_min_to_be_between', { column: 'amount', min_value: 0 }),
    e('expect_column_max_to_be_between', { column: 'amount', max_value: 1000 }),
    e('expect_column_sum_to_be_between', { column: 'quantity', min_value: 1 }),
    e('expect_column_stdev_to_be_between', { column: 'amount', min_value: 100, max_value: 500 }),
    e('expect_column_proportion_of_non_null_values_to_be_between', {
      column: 'discount',
      min_value: 0.6,
      max_value: 0.7,
    }),
    e('expect_column_unique_value_count_to_be_between', { column: 'status', min_value: 5, max_value: 5 }),
    e('expect_column_pair_values_a_to_be_greater_than_b', {
      column_A: 'updated_at',
      column_B: 'created_at',
      or_equal: true,
    }),
    e('expect_column_max_to_be_within', { column: 'created_at', max_age: '2d' }),
    e('expect_column_values_to_not_be_null', { column: 'customer_id', mostly: 0.98 }),
    e('expect_column_values_to_be_between', { column: 'created_at', min_value: '2020-01-01', max_value: '2100-01-01' }),
  ],
};

const lit = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/** The same metrics, written by hand as one would for a single pass over the table. */
export const HAND_SQL = `
SELECT count(*) AS row_count,
  count(*) - count(id) AS id_nulls,
  count(*) - count(email) AS email_nulls,
  count(*) - count(status) AS status_nulls,
  count(id) - count(DISTINCT id) AS id_dupes,
  count(*) FILTER (WHERE amount < 0 OR amount > 1000) AS amount_out,
  count(*) FILTER (WHERE quantity < 1 OR quantity > 100) AS quantity_out,
  count(*) FILTER (WHERE discount < 0 OR discount > 50) AS discount_out,
  count(discount) AS discount_non_null,
  count(*) FILTER (WHERE status NOT IN (${lit(STATUSES)})) AS status_out,
  count(*) FILTER (WHERE country NOT IN (${lit(COUNTRIES)})) AS country_out,
  count(*) FILTER (WHERE email !~ '${EMAIL_RE}') AS email_bad,
  count(*) FILTER (WHERE char_length(country) <> 2) AS country_len,
  count(*) FILTER (WHERE char_length(email) NOT BETWEEN 5 AND 100) AS email_len,
  avg(amount) AS amount_mean,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS amount_median,
  min(amount) AS amount_min, max(amount) AS amount_max,
  sum(quantity) AS quantity_sum,
  stddev_samp(amount) AS amount_stdev,
  count(DISTINCT status) AS statuses,
  count(*) FILTER (WHERE updated_at < created_at OR (updated_at IS NULL) <> (created_at IS NULL)) AS updated_before_created,
  now() - max(created_at) AS created_age,
  count(*) - count(customer_id) AS customer_nulls,
  count(*) FILTER (WHERE created_at < '2020-01-01' OR created_at > '2100-01-01') AS created_out
FROM ${TABLE}`;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Loops'?: number;
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows read by each scan node on the table that ran (a parallel scan counting once). */
function executedScans(node: PlanNode): number[] {
  const ran = node['Relation Name'] === 'orders' && /Scan/.test(node['Node Type']) && (node['Actual Loops'] ?? 0) > 0;
  const read = ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1);
  return [...(ran ? [Math.round(read)] : []), ...(node.Plans ?? []).flatMap(executedScans)];
}

async function scansOf(client: pg.Client, sql: string): Promise<number[]> {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
  return executedScans((rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0].Plan);
}

export async function measureChecks(url: string): Promise<ChecksBench> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const wh = directWarehouse(url);
  try {
    const t0 = performance.now();
    await client.query(SETUP);
    await client.query(`VACUUM ANALYZE ${TABLE}`); // hint bits and statistics, so no run pays for them
    const loadMs = since(t0);

    const sent: string[] = [];
    const recorder: Queryable = {
      query: (sql, params) => {
        sent.push(sql);
        return wh.query(sql, params);
      },
    };
    const first = await validateSuite(recorder, BENCH_SUITE);
    const tableQueries = sent.filter((s) => s.includes('"bench_checks"."orders"') && !/LIMIT 0\)/.test(s));
    const scanRows: number[] = [];
    for (const sql of sent.slice(1)) scanRows.push(...(await scansOf(client, sql)));
    const handScans = (await scansOf(client, HAND_SQL)).length;

    const validateRuns: number[] = [];
    const handRuns: number[] = [];
    const timeValidate = async () => {
      const t = performance.now();
      await validateSuite(wh, BENCH_SUITE);
      validateRuns.push(since(t));
    };
    const timeHand = async () => {
      const t = performance.now();
      await wh.query(HAND_SQL);
      handRuns.push(since(t));
    };
    for (let i = 0; i < REPS; i++) {
      // Alternate which goes first, so neither always runs on the other's warm cache.
      if (i % 2 === 0) {
        await timeValidate();
        await timeHand();
      } else {
        await timeHand();
        await timeValidate();
      }
    }
    const validateMs = median(validateRuns);
    const handMs = median(handRuns);
    return {
      rows: ROWS,
      expectations: BENCH_SUITE.expectations.length,
      reps: REPS,
      validateMs,
      handMs,
      ratio: validateMs / handMs,
      validateRuns,
      handRuns,
      queries: first.queries,
      tableQueries: tableQueries.length,
      scans: scanRows.length,
      scanRows,
      fullScans: scanRows.filter((n) => n >= ROWS).length,
      handScans,
      failed: first.results.filter((r) => !r.success).length,
      loadMs,
    };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await client.end();
    await wh.close();
  }
}
