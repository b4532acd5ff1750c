import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';
import { check } from './fixture';

let env: WarehouseDb;
beforeAll(async () => {
  env = await warehouseTestDb('checks_ref_fresh_sql');
  await env.client.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.customers (id int);
    INSERT INTO shop.customers VALUES (10), (11), (NULL);
    CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int, amount numeric);
    INSERT INTO shop.orders VALUES (1, 10, 5), (2, 11, -1), (3, 99, 7), (4, NULL, -2), (5, 98, 3);
    CREATE TABLE shop.cat (id int PRIMARY KEY, parent_id int);
    INSERT INTO shop.cat VALUES (1, NULL), (2, 1), (3, 7);
    CREATE TABLE shop.events (id int, ts timestamptz, d date, n int);
    INSERT INTO shop.events VALUES (1, '2026-03-01T10:00:00Z', '2026-02-28', 1), (2, '2026-03-01T20:00:00Z', '2026-03-01', 2);
    CREATE TABLE shop.live (ts timestamptz);
    INSERT INTO shop.live VALUES (now() - interval '1 hour');
    CREATE TABLE shop.empty (LIKE shop.events);`);
});
afterAll(() => env.close());

const t = (type: string, kwargs: Record<string, unknown>, table = 'shop.orders', opts = {}) =>
  check(env.wh, table, { type, kwargs }, opts);
const REF = 'expect_column_values_to_be_in_table_column';

describe("values in another table's column", () => {
  test('an anti-join: unexpected rows, nulls left out, mostly, failing-rows SQL', async () => {
    const r = await t(REF, { column: 'customer_id', other_table: 'shop.customers', other_column: 'id' });
    expect(r).toMatchObject({
      success: false,
      elementCount: 4,
      unexpectedCount: 2,
      nullCount: 1,
      summary:
        '2 of 4 non-null values (50 %) are not in shop.customers.id; 1 null not counted (nulls are left out, as in GX)',
    });
    expect((await env.client.query(r.failingRowsSql!)).rows).toEqual([
      { id: 3, customer_id: 99 },
      { id: 5, customer_id: 98 },
    ]);
    expect(r.sample).toEqual([
      { id: 3, customer_id: 99 },
      { id: 5, customer_id: 98 },
    ]);
    expect(
      await t(REF, { column: 'customer_id', other_table: 'shop.customers', other_column: 'id', mostly: 0.5 }),
    ).toMatchObject({ success: true });
  });

  test("the other table may be the same table; the suite's where applies to this side", async () => {
    expect(
      await t(REF, { column: 'parent_id', other_table: 'shop.cat', other_column: 'id' }, 'shop.cat'),
    ).toMatchObject({ success: false, unexpectedCount: 1, sample: [{ id: 3, parent_id: 7 }] });
    expect(
      await t(REF, { column: 'customer_id', other_table: 'shop.customers', other_column: 'id' }, 'shop.orders', {
        where: 'id < 4',
      }),
    ).toMatchObject({ elementCount: 3, unexpectedCount: 1 });
    expect(await t(REF, { column: 'n', other_table: 'shop.orders', other_column: 'id' }, 'shop.empty')).toMatchObject({
      success: true,
      elementCount: 0,
    });
  });
});

describe('freshness', () => {
  const ctx = { dataIntervalEnd: new Date('2026-03-02T00:00:00Z') };
  const fresh = (kwargs: Record<string, unknown>, table = 'shop.events') =>
    t('expect_column_max_to_be_within', kwargs, table, { ctx });

  test("measured from the run's data interval end", async () => {
    const ok = await fresh({ column: 'ts', max_age: '4h' });
    expect(ok).toMatchObject({
      success: true,
      summary: expect.stringContaining('4.0 h before the data interval end 2026-03-02T00:00:00.000Z; within 4h'),
    });
    expect(ok.observed).toMatch(/^2026-03-01 20:00:00/);
    expect(await fresh({ column: 'ts', max_age: '3h' })).toMatchObject({ success: false });
    expect(await fresh({ column: 'ts', max_age: 4 * 3600 })).toMatchObject({ success: true });
    expect(await fresh({ column: 'd', max_age: '2d' })).toMatchObject({ success: true });
    expect(await fresh({ column: 'd', max_age: '1h' })).toMatchObject({ success: false });
  });

  test('measured from now() without a run; fails on an empty table', async () => {
    expect(await t('expect_column_max_to_be_within', { column: 'ts', max_age: '2h' }, 'shop.live')).toMatchObject({
      success: true,
    });
    expect(await t('expect_column_max_to_be_within', { column: 'ts', max_age: '30m' }, 'shop.live')).toMatchObject({
      success: false,
    });
    expect(await fresh({ column: 'ts', max_age: '1d' }, 'shop.empty')).toMatchObject({
      success: false,
      observed: null,
    });
  });
});

describe('custom SQL returning the unexpected rows', () => {
  const rows = (q: string, opts = {}) =>
    t('unexpected_rows_expectation', { unexpected_rows_query: q }, 'shop.orders', opts);

  test("{batch} is the suite's rows; the count, a sample and the SQL", async () => {
    const r = await rows('SELECT id, amount FROM {batch} WHERE amount < 0 ORDER BY id');
    expect(r).toMatchObject({
      success: false,
      observed: 2,
      unexpectedCount: 2,
      sample: [
        { id: 2, amount: '-1' },
        { id: 4, amount: '-2' },
      ],
    });
    expect((await env.client.query(r.failingRowsSql!)).rows).toEqual([
      { id: 2, amount: '-1' },
      { id: 4, amount: '-2' },
    ]);
    expect(await rows('SELECT id FROM {batch} b WHERE b.amount < 0', { where: 'id <> 2' })).toMatchObject({
      observed: 1,
      sample: [{ id: 4 }],
    });
    expect(await rows('SELECT * FROM {batch} WHERE amount > 100')).toMatchObject({
      success: true,
      observed: 0,
      summary: 'the query returned no rows',
    });
  });

  test('any query: joins, more than 20 rows (counted exactly, 20 shown)', async () => {
    expect(
      await rows(
        'SELECT o.id FROM shop.orders o LEFT JOIN shop.customers c ON c.id = o.customer_id WHERE c.id IS NULL AND o.customer_id IS NOT NULL',
      ),
    ).toMatchObject({ observed: 2 });
    const many = await rows('SELECT g FROM generate_series(1, 30) g');
    expect(many.observed).toBe(30);
    expect(many.sample).toHaveLength(20);
  });
});
