import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';
import { recording, run, type Exp } from './fixture';

let env: WarehouseDb;
beforeAll(async () => {
  env = await warehouseTestDb('checks_batching');
  await env.client.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.orders (id int PRIMARY KEY, email text, status text, amount numeric(10,2), customer_id int, created_at timestamptz);
    INSERT INTO shop.orders
    SELECT g, CASE WHEN g % 50 = 0 THEN NULL WHEN g % 40 = 0 THEN 'broken' ELSE 'user' || g || '@example.com' END,
           (ARRAY['placed', 'paid', 'shipped'])[1 + g % 3], (g % 100) + 0.5, 1 + g % 20, now() - make_interval(mins => g)
    FROM generate_series(1, 1000) g;
    CREATE TABLE shop.customers (id int PRIMARY KEY);
    INSERT INTO shop.customers SELECT generate_series(1, 20);`);
});
afterAll(() => env.close());

const common = (fail: boolean): Exp[] => [
  { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 1000, max_value: 1000 } },
  { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email', mostly: fail ? 1 : 0.9 } },
  { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } },
  {
    type: 'expect_column_values_to_be_between',
    kwargs: { column: 'amount', min_value: 0, max_value: fail ? 50 : 100 },
  },
  { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'status', value_set: ['placed', 'paid', 'shipped'] } },
  {
    type: 'expect_column_values_to_match_regex',
    kwargs: { column: 'email', regex: '^[^@]+@[^@]+$', mostly: fail ? 0.99 : 0.9 },
  },
  { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'email', min_value: 6, max_value: 40 } },
  { type: 'expect_column_mean_to_be_between', kwargs: { column: 'amount', min_value: 40, max_value: 60 } },
  { type: 'expect_column_proportion_of_non_null_values_to_be_between', kwargs: { column: 'email', min_value: 0.9 } },
  { type: 'expect_column_max_to_be_within', kwargs: { column: 'created_at', max_age: '1h' } },
  { type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ['id', 'status'] } },
  {
    type: 'expect_column_distinct_values_to_equal_set',
    kwargs: { column: 'status', value_set: ['placed', 'paid', 'shipped'] },
  },
];

/** Queries that read shop.orders' rows: not the catalog, not the LIMIT 0 probes. */
const scans = (sqls: readonly string[]) => sqls.filter((s) => /"shop"\."orders"/.test(s) && !/LIMIT 0\)/.test(s));

describe('batching', () => {
  test('a passing suite of 12 common types: catalog, probe, ONE aggregate query', async () => {
    const wh = recording(env.wh);
    const v = await run(wh, 'shop.orders', common(false));
    expect(v.results.filter((r) => !r.success).map((r) => r.summary)).toEqual([]);
    expect(v).toMatchObject({ success: true, errors: 0, warnings: 0, queries: 3 });
    expect(wh.sqls).toHaveLength(3);
    expect(wh.sqls[0]).toMatch(/FROM pg_class/);
    expect(scans(wh.sqls)).toEqual([wh.sqls[2]]);
    // Metrics several expectations need are computed once.
    expect(wh.sqls[2].match(/^\s*count\("email"\) AS/gm)).toHaveLength(1);
  });

  test("with failures, one more query fetches every failing expectation's sample rows", async () => {
    const wh = recording(env.wh);
    const v = await run(wh, 'shop.orders', common(true));
    expect(v.results.filter((r) => !r.success).map((r) => r.index)).toEqual([1, 3, 5]);
    expect(v).toMatchObject({ success: false, errors: 3, queries: 4 });
    expect(wh.sqls[3].match(/UNION ALL/g)).toHaveLength(2);
  });

  test('types that need their own query add one each', async () => {
    const wh = recording(env.wh);
    const v = await run(wh, 'shop.orders', [
      ...common(false),
      {
        type: 'expect_column_most_common_value_to_be_in_set',
        kwargs: { column: 'status', value_set: ['placed', 'paid', 'shipped'] },
      },
      {
        type: 'expect_column_values_to_be_in_table_column',
        kwargs: { column: 'customer_id', other_table: 'shop.customers', other_column: 'id' },
      },
      {
        type: 'unexpected_rows_expectation',
        kwargs: { unexpected_rows_query: 'SELECT * FROM {batch} WHERE amount < 0' },
      },
    ]);
    expect(v).toMatchObject({ success: true, queries: 6 });
    expect(scans(wh.sqls)).toHaveLength(4);
  });

  test('warn severity: a failure counts as a warning and the gate stays open', async () => {
    const v = await run(env.wh, 'shop.orders', [
      { type: 'expect_table_row_count_to_equal', kwargs: { value: 1 }, severity: 'warn' },
      { type: 'expect_table_row_count_to_equal', kwargs: { value: 1000 } },
    ]);
    expect(v).toMatchObject({ success: true, errors: 0, warnings: 1, table: 'shop.orders' });
    expect(v.results.map((r) => [r.severity, r.success])).toEqual([
      ['warn', false],
      ['error', true],
    ]);
  });
});

describe('samples and failing-rows SQL', () => {
  test('up to 20 sample rows with the key; the SQL returns exactly the failing rows', async () => {
    const v = await run(
      env.wh,
      'shop.orders',
      [
        { type: 'expect_column_values_to_be_between', kwargs: { column: 'amount', max_value: 50 } },
        { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '@' } },
        { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email' } },
      ],
      { where: 'id <= 500' },
    );
    const [between, regex, notNull] = v.results;
    expect([between.unexpectedCount, regex.unexpectedCount, notNull.unexpectedCount]).toEqual([250, 10, 10]);
    for (const r of v.results) {
      const { rows } = await env.client.query(r.failingRowsSql!);
      expect(rows).toHaveLength(r.unexpectedCount!);
      expect(r.sample!.length).toBe(Math.min(20, r.unexpectedCount!));
      const ids = new Set(rows.map((x) => x.id));
      for (const s of r.sample!) expect(ids.has(s.id)).toBe(true);
    }
    expect(Object.keys(between.sample![0])).toEqual(['id', 'amount']);
    expect(between.failingRowsSql).toBe(
      'SELECT "id", "amount" FROM "shop"."orders" WHERE (id <= 500) AND ("amount" IS NOT NULL AND (NOT ("amount" <= 50))) ORDER BY "id"',
    );
    expect(regex.sample!.every((s) => s.email === 'broken')).toBe(true);
    // Passing expectations carry neither.
    const ok = await run(env.wh, 'shop.orders', [
      { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } },
    ]);
    expect(ok.results[0].sample).toBeUndefined();
    expect(ok.results[0].failingRowsSql).toBeUndefined();
  });
});
