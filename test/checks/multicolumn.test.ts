import type { ExpectationResult } from '../../src/checks/types';
import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';
import { check } from './fixture';

let env: WarehouseDb;
beforeAll(async () => {
  env = await warehouseTestDb('checks_multi');
  await env.client.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.u (id int PRIMARY KEY, email text, a int, b int, x int, y int);
    INSERT INTO shop.u VALUES
      (1, 'a', 2, 1, 1, 2),
      (2, 'a', 1, 1, 2, 1),
      (3, 'b', 0, 1, NULL, 3),
      (4, NULL, NULL, NULL, NULL, NULL),
      (5, 'c', 5, NULL, 3, 0),
      (6, 'c', NULL, 3, 3, 2),
      (7, NULL, NULL, NULL, NULL, NULL);
    CREATE TABLE shop.nokey (email text);
    INSERT INTO shop.nokey VALUES ('a'), ('a'), ('b');
    CREATE TABLE shop.empty (LIKE shop.u);`);
});
afterAll(() => env.close());

const t = (type: string, kwargs: Record<string, unknown>, table = 'shop.u') => check(env.wh, table, { type, kwargs });

async function expectRows(
  r: ExpectationResult,
  counts: { elements: number; unexpected: number[]; skipped: number },
): Promise<void> {
  expect({ elementCount: r.elementCount, unexpectedCount: r.unexpectedCount, nullCount: r.nullCount }).toEqual({
    elementCount: counts.elements,
    unexpectedCount: counts.unexpected.length,
    nullCount: counts.skipped,
  });
  if (!r.success) {
    const { rows } = await env.client.query(r.failingRowsSql!);
    expect(rows.map((x) => x.id)).toEqual(counts.unexpected);
    expect(r.sample!.map((x) => x.id).sort()).toEqual(counts.unexpected);
  }
}

describe('uniqueness', () => {
  test('a column: every row holding a repeated value is unexpected (GX), nulls left out', async () => {
    const r = await t('expect_column_values_to_be_unique', { column: 'email' });
    expect(r.success).toBe(false);
    await expectRows(r, { elements: 5, unexpected: [1, 2, 5, 6], skipped: 2 });
    expect(r.summary).toBe(
      '4 of 5 non-null values (80 %) are duplicates; 2 nulls not counted (nulls are left out, as in GX)',
    );
    expect(await t('expect_column_values_to_be_unique', { column: 'id' })).toMatchObject({
      success: true,
      unexpectedCount: 0,
    });
  });

  test('mostly is judged on the exact count of duplicated rows', async () => {
    expect(await t('expect_column_values_to_be_unique', { column: 'email', mostly: 0.2 })).toMatchObject({
      success: true,
      unexpectedCount: 4,
    });
    expect(await t('expect_column_values_to_be_unique', { column: 'email', mostly: 0.5 })).toMatchObject({
      success: false,
      unexpectedCount: 4,
    });
  });

  test('without a primary key, samples show the column itself', async () => {
    const r = await t('expect_column_values_to_be_unique', { column: 'email' }, 'shop.nokey');
    expect(r).toMatchObject({ success: false, unexpectedCount: 2, sample: [{ email: 'a' }, { email: 'a' }] });
    expect(r.failingRowsSql).not.toMatch(/ORDER BY/);
  });

  test('compound columns, with each ignore_row_if', async () => {
    await expectRows(await t('expect_compound_columns_to_be_unique', { column_list: ['email', 'x'] }), {
      elements: 5,
      unexpected: [5, 6],
      skipped: 2,
    });
    await expectRows(
      await t('expect_compound_columns_to_be_unique', { column_list: ['email', 'x'], ignore_row_if: 'never' }),
      { elements: 7, unexpected: [4, 5, 6, 7], skipped: 0 },
    );
    await expectRows(
      await t('expect_compound_columns_to_be_unique', {
        column_list: ['email', 'x'],
        ignore_row_if: 'any_value_is_missing',
      }),
      { elements: 4, unexpected: [5, 6], skipped: 3 },
    );
    expect(await t('expect_compound_columns_to_be_unique', { column_list: ['id', 'email'] })).toMatchObject({
      success: true,
    });
  });
});

describe('column pairs', () => {
  test('A greater than B: a row with one value missing fails; both missing is skipped by default', async () => {
    const gt = await t('expect_column_pair_values_a_to_be_greater_than_b', { column_A: 'a', column_B: 'b' });
    await expectRows(gt, { elements: 5, unexpected: [2, 3, 5, 6], skipped: 2 });
    expect(gt.summary).toBe(
      '4 of 5 rows (80 %) have a not > b; 2 rows with both values missing skipped (ignore_row_if both_values_are_missing); other rows with a null are judged',
    );
    await expectRows(
      await t('expect_column_pair_values_a_to_be_greater_than_b', { column_A: 'a', column_B: 'b', or_equal: true }),
      { elements: 5, unexpected: [3, 5, 6], skipped: 2 },
    );
    await expectRows(
      await t('expect_column_pair_values_a_to_be_greater_than_b', {
        column_A: 'a',
        column_B: 'b',
        or_equal: true,
        ignore_row_if: 'either_value_is_missing',
      }),
      { elements: 3, unexpected: [3], skipped: 4 },
    );
    await expectRows(
      await t('expect_column_pair_values_a_to_be_greater_than_b', {
        column_A: 'a',
        column_B: 'b',
        or_equal: true,
        ignore_row_if: 'neither',
      }),
      { elements: 7, unexpected: [3, 4, 5, 6, 7], skipped: 0 },
    );
    expect(
      await t('expect_column_pair_values_a_to_be_greater_than_b', {
        column_A: 'a',
        column_B: 'b',
        or_equal: true,
        mostly: 0.4,
      }),
    ).toMatchObject({ success: true });
  });

  test('equal', async () => {
    await expectRows(await t('expect_column_pair_values_to_be_equal', { column_A: 'a', column_B: 'b' }), {
      elements: 5,
      unexpected: [1, 3, 5, 6],
      skipped: 2,
    });
  });
});

describe('multicolumn sum', () => {
  test('a null counts as 0; rows with every value missing are skipped unless ignore_row_if is never', async () => {
    await expectRows(await t('expect_multicolumn_sum_to_equal', { column_list: ['x', 'y'], sum_total: 3 }), {
      elements: 5,
      unexpected: [6],
      skipped: 2,
    });
    await expectRows(
      await t('expect_multicolumn_sum_to_equal', { column_list: ['x', 'y'], sum_total: 3, ignore_row_if: 'never' }),
      { elements: 7, unexpected: [4, 6, 7], skipped: 0 },
    );
  });
});

test('on an empty table every multi-column expectation passes', async () => {
  for (const [type, kwargs] of [
    ['expect_column_values_to_be_unique', { column: 'email' }],
    ['expect_compound_columns_to_be_unique', { column_list: ['email', 'x'] }],
    ['expect_column_pair_values_to_be_equal', { column_A: 'a', column_B: 'b' }],
    ['expect_multicolumn_sum_to_equal', { column_list: ['x', 'y'], sum_total: 1 }],
  ] as const) {
    expect(await t(type, kwargs, 'shop.empty')).toMatchObject({ success: true, elementCount: 0 });
  }
});
