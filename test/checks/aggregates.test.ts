import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';
import { check } from './fixture';

let env: WarehouseDb;
beforeAll(async () => {
  env = await warehouseTestDb('checks_aggregates');
  await env.client.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.s (id int PRIMARY KEY, n int, price numeric, day date, status text, tie text);
    INSERT INTO shop.s VALUES
      (1, 1, 1.5, '2026-03-01', 'a', 'x'),
      (2, 2, 2.5, '2026-03-02', 'a', 'x'),
      (3, 3, NULL, '2026-03-03', 'b', 'y'),
      (4, 4, 4.5, NULL, 'c', 'y'),
      (5, NULL, NULL, NULL, NULL, 'z'),
      (6, 10, 10.5, '2026-03-10', 'a', NULL);
    CREATE TABLE shop.one (n int);
    INSERT INTO shop.one VALUES (7);
    CREATE TABLE shop.empty (LIKE shop.s);`);
});
afterAll(() => env.close());

const t = (type: string, kwargs: Record<string, unknown>, table = 'shop.s') => check(env.wh, table, { type, kwargs });

describe('column aggregates (nulls ignored, as SQL aggregates do)', () => {
  test('mean, median, min, max, sum, stdev', async () => {
    expect(await t('expect_column_mean_to_be_between', { column: 'n', min_value: 4, max_value: 4 })).toMatchObject({
      success: true,
      observed: 4,
      summary: 'mean of n is 4, between 4 and 4',
    });
    expect(await t('expect_column_mean_to_be_between', { column: 'n', min_value: 4, strict_min: true })).toMatchObject({
      success: false,
      summary: 'mean of n is 4, not above 4',
    });
    expect(await t('expect_column_mean_to_be_between', { column: 'n', max_value: 4, strict_max: true })).toMatchObject({
      success: false,
    });
    expect(await t('expect_column_median_to_be_between', { column: 'n', min_value: 3, max_value: 3 })).toMatchObject({
      success: true,
      observed: 3,
    });
    expect(
      await t('expect_column_median_to_be_between', { column: 'price', min_value: 3.5, max_value: 3.5 }),
    ).toMatchObject({ success: true, observed: 3.5 });
    expect(await t('expect_column_min_to_be_between', { column: 'n', min_value: 1, max_value: 1 })).toMatchObject({
      success: true,
      observed: 1,
    });
    expect(await t('expect_column_max_to_be_between', { column: 'n', max_value: 9 })).toMatchObject({
      success: false,
      observed: 10,
      summary: 'maximum of n is 10, not at most 9',
    });
    expect(await t('expect_column_sum_to_be_between', { column: 'price', min_value: 19, max_value: 19 })).toMatchObject(
      { success: true, observed: 19 },
    );
    const sd = await t('expect_column_stdev_to_be_between', { column: 'n', min_value: 3.5, max_value: 3.6 });
    expect(sd.success).toBe(true);
    expect(sd.observed).toBeCloseTo(Math.sqrt(12.5), 10);
  });

  test('min and max of dates, bounds as strings; observed as Postgres writes it', async () => {
    expect(
      await t('expect_column_min_to_be_between', { column: 'day', min_value: '2026-03-01', max_value: '2026-03-01' }),
    ).toMatchObject({ success: true, observed: '2026-03-01' });
    expect(await t('expect_column_max_to_be_between', { column: 'day', max_value: '2026-03-09' })).toMatchObject({
      success: false,
      observed: '2026-03-10',
    });
  });

  test('quantiles (percentile_disc), a null bound is open', async () => {
    const r = await t('expect_column_quantile_values_to_be_between', {
      column: 'n',
      quantile_ranges: {
        quantiles: [0.25, 0.5, 0.9],
        value_ranges: [
          [2, 2],
          [null, 3],
          [4, 9],
        ],
      },
    });
    expect(r).toMatchObject({
      success: false,
      observed: { quantiles: [0.25, 0.5, 0.9], values: [2, 3, 10] },
      summary: 'quantile 0.9 of n is 10, not between 4 and 9',
    });
    expect(
      await t('expect_column_quantile_values_to_be_between', {
        column: 'n',
        quantile_ranges: { quantiles: [0.5], value_ranges: [[3, null]] },
      }),
    ).toMatchObject({ success: true });
  });

  test('distinct counts and proportions', async () => {
    expect(
      await t('expect_column_unique_value_count_to_be_between', { column: 'status', min_value: 3, max_value: 3 }),
    ).toMatchObject({ success: true, observed: 3 });
    expect(await t('expect_column_unique_value_count_to_be_between', { column: 'status', max_value: 2 })).toMatchObject(
      { success: false },
    );
    expect(
      await t('expect_column_proportion_of_unique_values_to_be_between', {
        column: 'status',
        min_value: 0.6,
        max_value: 0.6,
      }),
    ).toMatchObject({ success: true, observed: 0.6 });
    expect(
      await t('expect_column_proportion_of_unique_values_to_be_between', {
        column: 'status',
        min_value: 0.6,
        strict_min: true,
      }),
    ).toMatchObject({ success: false });
    const nn = await t('expect_column_proportion_of_non_null_values_to_be_between', {
      column: 'status',
      min_value: 0.8,
    });
    expect(nn).toMatchObject({
      success: true,
      summary: 'the proportion of non-null values of status is 0.833333 (83.33 %), at least 0.8',
    });
    expect(nn.observed).toBeCloseTo(5 / 6, 10);
  });

  test('a sample standard deviation of one value is undefined: fails', async () => {
    expect(await t('expect_column_stdev_to_be_between', { column: 'n', min_value: 0 }, 'shop.one')).toMatchObject({
      success: false,
      observed: null,
    });
  });

  test('on an empty table: undefined aggregates fail, a distinct count of 0 is judged', async () => {
    for (const [type, kwargs] of [
      ['expect_column_mean_to_be_between', { column: 'n', min_value: 0 }],
      ['expect_column_median_to_be_between', { column: 'n', min_value: 0 }],
      ['expect_column_min_to_be_between', { column: 'n', min_value: 0 }],
      ['expect_column_max_to_be_between', { column: 'n', min_value: 0 }],
      ['expect_column_sum_to_be_between', { column: 'n', min_value: 0 }],
      ['expect_column_stdev_to_be_between', { column: 'n', min_value: 0 }],
      [
        'expect_column_quantile_values_to_be_between',
        { column: 'n', quantile_ranges: { quantiles: [0.5], value_ranges: [[null, null]] } },
      ],
      ['expect_column_proportion_of_unique_values_to_be_between', { column: 'n', min_value: 0 }],
      ['expect_column_proportion_of_non_null_values_to_be_between', { column: 'n', min_value: 0 }],
    ] as const) {
      const r = await t(type, kwargs, 'shop.empty');
      expect({ type, success: r.success, observed: r.observed }).toEqual({ type, success: false, observed: null });
      expect(r.summary).toMatch(/undefined|no non-null/);
    }
    expect(
      await t(
        'expect_column_unique_value_count_to_be_between',
        { column: 'n', min_value: 0, max_value: 0 },
        'shop.empty',
      ),
    ).toMatchObject({ success: true, observed: 0 });
  });
});

describe('distinct value sets', () => {
  test('in set, contain set, equal set', async () => {
    expect(
      await t('expect_column_distinct_values_to_be_in_set', { column: 'status', value_set: ['a', 'b', 'c', 'd'] }),
    ).toMatchObject({ success: true, observed: [] });
    expect(
      await t('expect_column_distinct_values_to_be_in_set', { column: 'status', value_set: ['a', 'b'] }),
    ).toMatchObject({ success: false, observed: ['c'], summary: '1 distinct value is not in the set: "c"' });
    expect(
      await t('expect_column_distinct_values_to_be_in_set', { column: 'n', value_set: [1, 2, 3, 4] }),
    ).toMatchObject({ success: false, observed: [10] });
    expect(
      await t('expect_column_distinct_values_to_contain_set', { column: 'status', value_set: ['a', 'b'] }),
    ).toMatchObject({ success: true, observed: [] });
    expect(
      await t('expect_column_distinct_values_to_contain_set', { column: 'status', value_set: ['a', 'd', 'e', 'd'] }),
    ).toMatchObject({
      success: false,
      observed: ['d', 'e'],
      summary: '2 members of the set do not occur in status: "d", "e"',
    });
    expect(
      await t('expect_column_distinct_values_to_contain_set', { column: 'day', value_set: ['2026-03-10'] }),
    ).toMatchObject({ success: true });
    expect(
      await t('expect_column_distinct_values_to_equal_set', { column: 'status', value_set: ['c', 'b', 'a'] }),
    ).toMatchObject({ success: true });
    expect(
      await t('expect_column_distinct_values_to_equal_set', { column: 'status', value_set: ['a', 'b', 'd'] }),
    ).toMatchObject({ success: false, observed: { extra: ['c'], missing: ['d'] } });
  });

  test('most common value, and ties', async () => {
    expect(
      await t('expect_column_most_common_value_to_be_in_set', { column: 'status', value_set: ['a'] }),
    ).toMatchObject({ success: true, observed: ['a'], summary: 'the most common value is "a" (3 rows), in the set' });
    expect(
      await t('expect_column_most_common_value_to_be_in_set', { column: 'status', value_set: ['b'] }),
    ).toMatchObject({ success: false });
    expect(await t('expect_column_most_common_value_to_be_in_set', { column: 'tie', value_set: ['x'] })).toMatchObject({
      success: false,
      observed: ['x', 'y'],
    });
    expect(
      await t('expect_column_most_common_value_to_be_in_set', { column: 'tie', value_set: ['x'], ties_okay: true }),
    ).toMatchObject({ success: true });
    expect(
      await t('expect_column_most_common_value_to_be_in_set', { column: 'tie', value_set: ['x', 'y'] }),
    ).toMatchObject({ success: true });
  });

  test('on an empty table: in set passes, contain / equal / most common fail', async () => {
    expect(
      await t('expect_column_distinct_values_to_be_in_set', { column: 'status', value_set: ['a'] }, 'shop.empty'),
    ).toMatchObject({ success: true });
    expect(
      await t('expect_column_distinct_values_to_contain_set', { column: 'status', value_set: ['a'] }, 'shop.empty'),
    ).toMatchObject({ success: false });
    expect(
      await t('expect_column_distinct_values_to_equal_set', { column: 'status', value_set: ['a'] }, 'shop.empty'),
    ).toMatchObject({ success: false });
    expect(
      await t('expect_column_distinct_values_to_equal_set', { column: 'status', value_set: [] }, 'shop.empty'),
    ).toMatchObject({ success: true });
    expect(
      await t('expect_column_most_common_value_to_be_in_set', { column: 'status', value_set: ['a'] }, 'shop.empty'),
    ).toMatchObject({ success: false, observed: [] });
  });
});
