import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';
import { check } from './fixture';

let env: WarehouseDb;
beforeAll(async () => {
  env = await warehouseTestDb('checks_table');
  await env.client.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.orders (id int PRIMARY KEY, code varchar(20), amount numeric(10,2), placed_at timestamptz, tags int[], ok boolean);
    INSERT INTO shop.orders VALUES (1, 'a', 1, now(), '{1}', true), (2, 'b', 2, now(), NULL, false), (3, 'c', 3, now(), NULL, NULL);
    CREATE TABLE shop.empty (id int);
    CREATE TABLE shop.other (id int);
    INSERT INTO shop.other SELECT generate_series(1, 3);
    CREATE TABLE public.plain (x int);`);
});
afterAll(() => env.close());

const t = (type: string, kwargs: Record<string, unknown>, table = 'shop.orders') =>
  check(env.wh, table, { type, kwargs });

describe('table expectations', () => {
  test('row count between / equal, and on an empty table', async () => {
    expect(await t('expect_table_row_count_to_be_between', { min_value: 1, max_value: 3 })).toMatchObject({
      success: true,
      observed: 3,
      summary: '3 rows, between 1 and 3',
    });
    expect(await t('expect_table_row_count_to_be_between', { min_value: 4 })).toMatchObject({
      success: false,
      summary: '3 rows, not at least 4',
    });
    expect(
      await t('expect_table_row_count_to_be_between', { max_value: null, min_value: 1 }, 'shop.empty'),
    ).toMatchObject({ success: false, observed: 0 });
    expect(await t('expect_table_row_count_to_equal', { value: 3 })).toMatchObject({ success: true });
    expect(await t('expect_table_row_count_to_equal', { value: 0 }, 'shop.empty')).toMatchObject({
      success: true,
      observed: 0,
    });
  });

  test("the suite's where limits the rows", async () => {
    const r = await check(
      env.wh,
      'shop.orders',
      { type: 'expect_table_row_count_to_equal', kwargs: { value: 2 } },
      { where: 'amount >= 2' },
    );
    expect(r).toMatchObject({ success: true, observed: 2 });
    // A trailing comment does not swallow the parenthesis the where is spliced in.
    const commented = await check(
      env.wh,
      'shop.orders',
      { type: 'expect_table_row_count_to_equal', kwargs: { value: 2 } },
      { where: 'amount >= 2 -- the recent ones' },
    );
    expect(commented).toMatchObject({ success: true, observed: 2 });
  });

  test('row count equal to another table (the whole other table)', async () => {
    expect(await t('expect_table_row_count_to_equal_other_table', { other_table_name: 'shop.other' })).toMatchObject({
      success: true,
      observed: 3,
    });
    expect(
      await t('expect_table_row_count_to_equal_other_table', { other_table_name: 'shop.orders' }, 'shop.empty'),
    ).toMatchObject({ success: false, observed: 0, summary: '0 rows; shop.orders has 3 rows' });
  });

  test('columns: ordered list, set (exact or not), count, existence with index', async () => {
    const cols = ['id', 'code', 'amount', 'placed_at', 'tags', 'ok'];
    expect(await t('expect_table_columns_to_match_ordered_list', { column_list: cols })).toMatchObject({
      success: true,
      observed: cols,
    });
    expect(
      await t('expect_table_columns_to_match_ordered_list', {
        column_list: ['id', 'amount', 'code', 'placed_at', 'tags', 'ok'],
      }),
    ).toMatchObject({ success: false, summary: expect.stringContaining('column 2 is code, expected amount') });
    expect(await t('expect_table_columns_to_match_set', { column_set: [...cols].reverse() })).toMatchObject({
      success: true,
    });
    expect(await t('expect_table_columns_to_match_set', { column_set: ['id', 'code', 'nope'] })).toMatchObject({
      success: false,
      summary: 'columns differ: missing nope; unexpected amount, placed_at, tags, ok',
    });
    expect(
      await t('expect_table_columns_to_match_set', { column_set: ['id', 'code'], exact_match: false }),
    ).toMatchObject({ success: true });
    expect(await t('expect_table_column_count_to_equal', { value: 6 })).toMatchObject({ success: true, observed: 6 });
    expect(await t('expect_table_column_count_to_be_between', { min_value: 7 })).toMatchObject({
      success: false,
      observed: 6,
    });
    expect(await t('expect_column_to_exist', { column: 'amount' })).toMatchObject({ success: true, observed: 2 });
    expect(await t('expect_column_to_exist', { column: 'amount', column_index: 2 })).toMatchObject({ success: true });
    expect(await t('expect_column_to_exist', { column: 'amount', column_index: 0 })).toMatchObject({
      success: false,
      summary: 'column amount is at index 2, not 0',
    });
    // A missing column is the expectation failing, not an error.
    expect(await t('expect_column_to_exist', { column: 'nope' })).toMatchObject({ success: false, observed: null });
  });

  test('a table without a schema is looked up along the search_path', async () => {
    expect(await t('expect_table_row_count_to_equal', { value: 0 }, 'plain')).toMatchObject({ success: true });
  });
});

describe('column types', () => {
  test('names as Postgres reports them, and its aliases', async () => {
    const of = (column: string, type_: string) => t('expect_column_values_to_be_of_type', { column, type_ });
    expect(await of('id', 'integer')).toMatchObject({ success: true, observed: 'integer' });
    expect(await of('id', 'int4')).toMatchObject({ success: true });
    expect(await of('id', 'INT')).toMatchObject({ success: true });
    expect(await of('id', 'bigint')).toMatchObject({ success: false, summary: 'id is integer, not bigint' });
    expect(await of('code', 'varchar')).toMatchObject({ success: true, observed: 'character varying(20)' });
    expect(await of('code', 'varchar(20)')).toMatchObject({ success: true });
    expect(await of('code', 'character varying(30)')).toMatchObject({ success: false });
    expect(await of('code', 'text')).toMatchObject({ success: false });
    expect(await of('amount', 'decimal')).toMatchObject({ success: true });
    expect(await of('amount', 'numeric(10,2)')).toMatchObject({ success: true });
    expect(await of('placed_at', 'timestamptz')).toMatchObject({ success: true, observed: 'timestamp with time zone' });
    expect(await of('placed_at', 'timestamp')).toMatchObject({ success: false });
    expect(await of('tags', 'int[]')).toMatchObject({ success: true, observed: 'integer[]' });
    expect(await of('ok', 'bool')).toMatchObject({ success: true });
  });

  test('type list', async () => {
    expect(
      await t('expect_column_values_to_be_in_type_list', { column: 'amount', type_list: ['float8', 'numeric'] }),
    ).toMatchObject({ success: true });
    expect(
      await t('expect_column_values_to_be_in_type_list', { column: 'amount', type_list: ['float8', 'int'] }),
    ).toMatchObject({ success: false, summary: 'amount is numeric(10,2), not one of float8, int' });
  });
});
