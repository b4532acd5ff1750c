import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSuite } from '../../src/checks/suite-file';
import { validateSuite } from '../../src/checks/validate';
import { SluiceError, ValidationError } from '../../src/errors/errors';
import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';
import { recording, run, type Exp } from './fixture';

let env: WarehouseDb;
let dir: string;
beforeAll(async () => {
  env = await warehouseTestDb('checks_errors');
  dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-suites-'));
  await env.client.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.orders (id int PRIMARY KEY, email text, amount numeric, placed_on date);
    INSERT INTO shop.orders VALUES (1, 'a@x', 1, '2026-03-01'), (2, 'b@x', 2, '2026-03-02'), (3, 'c@x', 3, '2026-03-03');`);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await env.close();
});

async function problems(table: string, es: readonly Exp[], where?: string): Promise<string[]> {
  const e = await run(env.wh, table, es, { where }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ValidationError);
  expect((e as ValidationError).code).toBe('CHECK_INVALID');
  return (e as ValidationError).issues.map((i) => i.message);
}

test('a missing table', async () => {
  expect(await problems('shop.nope', [{ type: 'expect_table_row_count_to_equal', kwargs: { value: 1 } }])).toEqual([
    '/table: table "shop.nope" does not exist',
  ]);
  expect(await problems('nope', [])).toEqual(['/table: table "nope" does not exist on the search_path']);
});

test('every problem at once, naming expectation and kwarg, before any row is read', async () => {
  const wh = recording(env.wh);
  const es: Exp[] = [
    { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'emial' } },
    { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '([a-z' } },
    { type: 'expect_column_values_to_be_between', kwargs: { column: 'placed_on', min_value: 'last week' } },
    { type: 'expect_column_mean_to_be_between', kwargs: { column: 'email', min_value: 1 } },
    { type: 'expect_column_values_to_be_of_type', kwargs: { column: 'email', type_: 'txet' } },
    { type: 'unexpected_rows_expectation', kwargs: { unexpected_rows_query: 'SELECT * FORM {batch}' } },
    {
      type: 'expect_column_values_to_be_in_table_column',
      kwargs: { column: 'id', other_table: 'shop.customers', other_column: 'id' },
    },
    {
      type: 'expect_column_values_to_be_in_table_column',
      kwargs: { column: 'id', other_table: 'shop.orders', other_column: 'idd' },
    },
    { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'id', value_set: [1, 'two'] } },
    { type: 'expect_column_max_to_be_within', kwargs: { column: 'amount', max_age: '1d' } },
    { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } }, // fine
  ];
  const e = await run(wh, 'shop.orders', es).then(
    () => undefined,
    (err: unknown) => err as ValidationError,
  );
  expect(e!.issues.map((i) => i.message)).toEqual([
    '/expectations/0/kwargs/column: expect_column_values_to_not_be_null: column "emial" does not exist in shop.orders (did you mean "email"?)',
    '/expectations/1/kwargs/regex: expect_column_values_to_match_regex: invalid regular expression: brackets [] not balanced',
    '/expectations/2/kwargs/min_value: expect_column_values_to_be_between: invalid input syntax for type date: "last week"',
    '/expectations/3/kwargs/column: expect_column_mean_to_be_between: needs a numeric column; "email" is text',
    '/expectations/4/kwargs/type_: expect_column_values_to_be_of_type: "txet" is not a type Postgres knows',
    '/expectations/5/kwargs/unexpected_rows_query: unexpected_rows_expectation: syntax error at or near "FORM"',
    '/expectations/6/kwargs/other_table: expect_column_values_to_be_in_table_column: table "shop.customers" does not exist',
    '/expectations/7/kwargs/other_column: expect_column_values_to_be_in_table_column: column "idd" does not exist in shop.orders (did you mean "id"?)',
    '/expectations/8/kwargs/value_set/1: expect_column_values_to_be_in_set: invalid input syntax for type integer: "two"',
    '/expectations/9/kwargs/column: expect_column_max_to_be_within: needs a date or timestamp column; "amount" is numeric',
  ]);
  expect(e!.message).toMatch(/^suite "test_suite" on shop.orders: 10 problems\n/);
  // The catalog, then probes: nothing but LIMIT 0 statements and single expressions.
  expect(wh.sqls.slice(1).every((s) => /LIMIT 0/.test(s) || /^SELECT \(.*\)::text AS v$/s.test(s))).toBe(true);
});

test('a where that does not work, with a did-you-mean for the column', async () => {
  expect(
    await problems('shop.orders', [{ type: 'expect_table_row_count_to_equal', kwargs: { value: 1 } }], 'amout > 0'),
  ).toEqual([
    '/where: the suite\'s where does not work on shop.orders: column "amout" does not exist (did you mean "amount"?)',
  ]);
});

test('problems found at run time point into the suite file', async () => {
  const file = path.join(dir, 'orders.json');
  writeFileSync(
    file,
    [
      '{',
      '  "name": "orders",',
      '  "table": "shop.orders",',
      '  "expectations": [',
      '    { "type": "expect_column_values_to_not_be_null", "kwargs": { "column": "emial" } },',
      '    { "type": "expect_column_values_to_match_regex",',
      '      "kwargs": { "column": "email", "regex": "(" } }',
      '  ]',
      '}',
    ].join('\n'),
  );
  const e = await validateSuite(env.wh, loadSuite(file)).then(
    () => undefined,
    (err: unknown) => err as ValidationError,
  );
  expect(e!.issues.map((i) => [i.file, i.line, i.column])).toEqual([
    [file, 5, 76],
    [file, 7, 47],
  ]);
  expect(e!.message).toContain(`${file}:5:76: /expectations/0/kwargs/column:`);
});

test('a suite changed in code is checked again (a kwarg of the wrong type)', async () => {
  expect(
    await problems('shop.orders', [
      { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'id', value_set: 3 } },
    ]),
  ).toEqual(['/expectations/0/kwargs/value_set: must be array']);
});

test('an error Postgres raises on the data names the suite', async () => {
  const e = await run(env.wh, 'shop.orders', [{ type: 'expect_table_row_count_to_equal', kwargs: { value: 1 } }], {
    where: '1 / (id - 2) > 0',
  }).then(
    () => undefined,
    (err: unknown) => err as SluiceError,
  );
  expect(e).toBeInstanceOf(SluiceError);
  expect(e!.code).toBe('CHECK_INVALID');
  expect(e!.message).toBe('suite "test_suite" on shop.orders: validating failed in Postgres: division by zero');
});
