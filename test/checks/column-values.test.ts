import type { ExpectationResult } from '../../src/checks/types';
import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';
import { check } from './fixture';

let env: WarehouseDb;
beforeAll(async () => {
  env = await warehouseTestDb('checks_values');
  await env.client.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.v (id int PRIMARY KEY, email text, amount numeric, status text, day date, n int);
    INSERT INTO shop.v VALUES
      (1, 'ann@x.com', 10, 'paid', '2026-03-01', 1),
      (2, 'bob@x.com', 20, 'paid', '2026-03-02', 2),
      (3, 'bad-email', 30, 'shipped', '2026-03-03', 3),
      (4, NULL, NULL, NULL, NULL, NULL),
      (5, 'eve@y.org', -5, 'lost', '2026-02-28', 10),
      (6, 'dan@x.com', 0, 'paid', '2026-03-05', 5);
    CREATE TABLE shop.empty (LIKE shop.v);`);
});
afterAll(() => env.close());

const t = (type: string, kwargs: Record<string, unknown>, table = 'shop.v') => check(env.wh, table, { type, kwargs });

/** Ids of the rows the result's failing-rows SQL returns, and of its sample. */
async function failingIds(r: ExpectationResult): Promise<{ all: number[]; sample: number[] }> {
  const { rows } = await env.client.query(r.failingRowsSql!);
  return { all: rows.map((x) => x.id), sample: r.sample!.map((x) => x.id as number) };
}

async function expectUnexpected(
  type: string,
  kwargs: Record<string, unknown>,
  ids: number[],
  elements = 5,
): Promise<ExpectationResult> {
  const r = await t(type, kwargs);
  expect({ success: r.success, elementCount: r.elementCount, unexpectedCount: r.unexpectedCount }).toEqual({
    success: ids.length === 0,
    elementCount: elements,
    unexpectedCount: ids.length,
  });
  if (ids.length) expect(await failingIds(r)).toEqual({ all: ids, sample: ids });
  expect(r.summary).toMatch(/null/);
  return r;
}

describe('null expectations count every row', () => {
  test('not null', async () => {
    const r = await expectUnexpected('expect_column_values_to_not_be_null', { column: 'email' }, [4], 6);
    expect(r).toMatchObject({
      nullCount: 1,
      unexpectedPercent: 16.7,
      observed: 16.7,
      summary: '1 of 6 rows (16.7 %) are null; every row counts, nulls included',
    });
    expect(await t('expect_column_values_to_not_be_null', { column: 'email', mostly: 0.8 })).toMatchObject({
      success: true,
      unexpectedCount: 1,
    });
    expect(await t('expect_column_values_to_not_be_null', { column: 'email', mostly: 0.9 })).toMatchObject({
      success: false,
    });
  });

  test('null', async () => {
    await expectUnexpected('expect_column_values_to_be_null', { column: 'email' }, [1, 2, 3, 5, 6], 6);
  });
});

describe('map expectations leave nulls out and honour mostly', () => {
  test('between, inclusive and strict', async () => {
    const r = await expectUnexpected(
      'expect_column_values_to_be_between',
      { column: 'amount', min_value: 0, max_value: 20 },
      [3, 5],
    );
    expect(r).toMatchObject({
      nullCount: 1,
      summary:
        '2 of 5 non-null values (40 %) are not between 0 and 20; 1 null not counted (nulls are left out, as in GX)',
    });
    await expectUnexpected(
      'expect_column_values_to_be_between',
      { column: 'amount', min_value: 0, max_value: 20, strict_min: true },
      [3, 5, 6],
    );
    await expectUnexpected(
      'expect_column_values_to_be_between',
      { column: 'amount', min_value: 0, max_value: 20, strict_max: true },
      [2, 3, 5],
    );
    await expectUnexpected('expect_column_values_to_be_between', { column: 'amount', max_value: 20 }, [3]);
    expect(
      await t('expect_column_values_to_be_between', { column: 'amount', min_value: 0, mostly: 0.8 }),
    ).toMatchObject({ success: true, unexpectedCount: 1 });
  });

  test('between on dates, bounds as strings', async () => {
    await expectUnexpected(
      'expect_column_values_to_be_between',
      { column: 'day', min_value: '2026-03-01', max_value: '2026-03-03' },
      [5, 6],
    );
  });

  test('in set and not in set (an empty set: everything / nothing is unexpected)', async () => {
    const r = await expectUnexpected(
      'expect_column_values_to_be_in_set',
      { column: 'status', value_set: ['paid', 'shipped'] },
      [5],
    );
    expect(r.summary).toBe(
      '1 of 5 non-null values (20 %) are not in the set; 1 null not counted (nulls are left out, as in GX)',
    );
    const mostly = await t('expect_column_values_to_be_in_set', {
      column: 'status',
      value_set: ['paid', 'shipped'],
      mostly: 0.8,
    });
    expect(mostly).toMatchObject({
      success: true,
      summary: expect.stringContaining('mostly 0.8: 80 % are as expected, so it passes'),
    });
    await expectUnexpected('expect_column_values_to_be_in_set', { column: 'n', value_set: [1, 2, 3, 5] }, [5]);
    await expectUnexpected('expect_column_values_to_not_be_in_set', { column: 'status', value_set: ['lost'] }, [5]);
    await expectUnexpected('expect_column_values_to_be_in_set', { column: 'status', value_set: [] }, [1, 2, 3, 5, 6]);
    await expectUnexpected('expect_column_values_to_not_be_in_set', { column: 'status', value_set: [] }, []);
  });

  test('regex, not regex, regex lists (any / all), on text and on other types as text', async () => {
    await expectUnexpected(
      'expect_column_values_to_match_regex',
      { column: 'email', regex: '^[a-z]+@[a-z]+\\.[a-z]+$' },
      [3],
    );
    await expectUnexpected('expect_column_values_to_not_match_regex', { column: 'email', regex: '\\.org$' }, [5]);
    await expectUnexpected(
      'expect_column_values_to_match_regex_list',
      { column: 'email', regex_list: ['@x\\.com$', '@y\\.org$'] },
      [3],
    );
    await expectUnexpected(
      'expect_column_values_to_match_regex_list',
      { column: 'email', regex_list: ['@x\\.com$', '^[a-e]'], match_on: 'all' },
      [3, 5],
    );
    await expectUnexpected(
      'expect_column_values_to_not_match_regex_list',
      { column: 'email', regex_list: ['^bad', 'org$'] },
      [3, 5],
    );
    await expectUnexpected('expect_column_values_to_match_regex', { column: 'n', regex: '^\\d$' }, [5]);
  });

  test('LIKE patterns', async () => {
    await expectUnexpected(
      'expect_column_values_to_match_like_pattern',
      { column: 'email', like_pattern: '%@x.com' },
      [3, 5],
    );
    await expectUnexpected(
      'expect_column_values_to_not_match_like_pattern',
      { column: 'email', like_pattern: '%@x.com' },
      [1, 2, 6],
    );
  });

  test('value lengths between and equal', async () => {
    await expectUnexpected(
      'expect_column_value_lengths_to_be_between',
      { column: 'status', min_value: 4, max_value: 4 },
      [3],
    );
    await expectUnexpected(
      'expect_column_value_lengths_to_be_between',
      { column: 'status', min_value: 5 },
      [1, 2, 5, 6],
    );
    await expectUnexpected('expect_column_value_lengths_to_equal', { column: 'status', value: 4 }, [3]);
  });

  test('on an empty table every map expectation passes (nothing to check), as in GX', async () => {
    for (const [type, kwargs] of [
      ['expect_column_values_to_not_be_null', { column: 'email' }],
      ['expect_column_values_to_be_null', { column: 'email' }],
      ['expect_column_values_to_be_between', { column: 'amount', min_value: 0 }],
      ['expect_column_values_to_be_in_set', { column: 'status', value_set: ['x'] }],
      ['expect_column_values_to_match_regex', { column: 'email', regex: 'x' }],
      ['expect_column_value_lengths_to_equal', { column: 'email', value: 1 }],
    ] as const) {
      const r = await t(type, kwargs, 'shop.empty');
      expect(r).toMatchObject({ success: true, elementCount: 0, unexpectedCount: 0, nullCount: 0 });
      expect(r.summary).toMatch(/^no (rows|non-null values) to check: passes \(/);
      expect(r.sample).toBeUndefined();
    }
  });
});
