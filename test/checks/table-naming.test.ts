import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lintSuites } from '../../src/checks/lint';
import { tableResolver } from '../../src/checks/suite-table';
import { formatIssue } from '../../src/errors/errors';
import { DB_KINDS, openTestDb, type TestDb } from '../models/databases';

/** A project with a staging model and a declared source, and a suite naming tables all three ways. */
function project(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-table-naming-'));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  write('sql/sources.yml', 'shop:\n  schema: raw\n  tables: [customers]\n');
  write('sql/staging/stg_customers.sql', 'select * from {{source "shop" "customers"}}\n');
  write('sql/staging/stg_orders.sql', 'select 1 as order_id, 1 as customer_id\n');
  write(
    'expectations/orders_refs.json',
    JSON.stringify({
      name: 'orders_refs',
      table: 'stg_orders',
      expectations: [
        // A model name, a source table and schema.table, in the three kwargs that name a table.
        {
          type: 'expect_column_values_to_be_in_table_column',
          kwargs: { column: 'customer_id', other_table: 'stg_customers', other_column: 'id' },
        },
        {
          type: 'expect_column_values_to_be_in_table_column',
          kwargs: { column: 'customer_id', other_table: 'shop.customers', other_column: 'id' },
        },
        { type: 'expect_table_row_count_to_equal_other_table', kwargs: { other_table_name: 'raw.shop_customers' } },
      ],
    }),
  );
  // A table outside the project, named schema.table; and a suite whose names are typos.
  const suite = (name: string, table: string, expectations: object[]) =>
    write(`expectations/${name}.json`, JSON.stringify({ name, table, expectations }, null, 2));
  suite('outside', 'public.outside', [
    { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'status', value_set: ['placed'] } },
  ]);
  suite('typo', 'stg_order', [
    {
      type: 'expect_column_values_to_be_in_table_column',
      kwargs: { column: 'customer_id', other_table: 'stg_customer', other_column: 'id' },
    },
  ]);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const outsideHint = (t: string) => `; a table outside the project is written schema.table, e.g. "public.${t}"`;

test('one rule names a table: a model name, a declared source table, or schema.table', () => {
  const p = project();
  try {
    const resolve = tableResolver(p.dir);
    expect(resolve('stg_orders')).toBe('staging.stg_orders');
    expect(resolve('shop.customers')).toBe('raw.shop_customers');
    expect(resolve('marts.anything')).toBe('marts.anything');
    expect(resolve('no_such_model')).toBe('no_such_model');
    expect(resolve.unknown('stg_orders')).toBeUndefined();
    expect(resolve.unknown('marts.anything')).toBeUndefined();
    expect(resolve.unknown('stg_order')).toBe(
      `table "stg_order" is no model, seed or source (did you mean "stg_orders"?)${outsideHint('stg_order')}`,
    );
    expect(resolve.unknown('payments')).toBe(`table "payments" is no model, seed or source${outsideHint('payments')}`);
  } finally {
    p.cleanup();
  }
});

test('lint reports a table that is no model, seed or source, in table and in other_table, with a did-you-mean', () => {
  const p = project();
  try {
    const r = lintSuites(path.join(p.dir, 'expectations'), p.dir);
    expect(r.issues.map(formatIssue)).toEqual([
      `${p.dir}/expectations/typo.json:3:12: /table: table "stg_order" is no model, seed or source (did you mean "stg_orders"?)${outsideHint('stg_order')}`,
      `${p.dir}/expectations/typo.json:9:24: /expectations/0/kwargs/other_table: table "stg_customer" is no model, seed or source (did you mean "stg_customers"?)${outsideHint('stg_customer')}`,
    ]);
    expect(r.suites.map((s) => s.name)).toEqual(['orders_refs', 'outside']);
    // Without the project, names are not checked (as before).
    expect(lintSuites(path.join(p.dir, 'expectations')).issues).toEqual([]);
  } finally {
    p.cleanup();
  }
});

describe.each(DB_KINDS)('on %s', (kind) => {
  let db: TestDb;
  const p = project();
  beforeAll(async () => {
    db = await openTestDb(kind, 'table-naming');
    await db.sql(`
      CREATE SCHEMA raw; CREATE SCHEMA staging;
      CREATE TABLE raw.shop_customers (id int PRIMARY KEY); INSERT INTO raw.shop_customers VALUES (1), (2);
      CREATE TABLE staging.stg_customers AS SELECT * FROM raw.shop_customers;
      CREATE TABLE staging.stg_orders (order_id int, customer_id int); INSERT INTO staging.stg_orders VALUES (10, 1), (11, 2);
      CREATE TABLE public.outside (id int PRIMARY KEY, status text);
      INSERT INTO public.outside VALUES (1, 'placed'), (2, 'returned'), (3, 'returned'), (4, 'returned'), (5, 'lost');`);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    p.cleanup();
  });

  test('suites find other tables by model name and source as they find their own', async () => {
    const ok = await db.sluice(['expectations', 'validate', 'orders_refs', '--json'], p.dir);
    expect(ok.stderr).not.toMatch(/Warning/); // no query queued on a busy client (pg deprecates it)
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout).suites[0];
    expect(result.table).toBe('staging.stg_orders');
    expect(result.results.map((r: { success: boolean }) => r.success)).toEqual([true, true, true]);

    await db.sql(`INSERT INTO staging.stg_orders VALUES (12, 3)`);
    const bad = await db.sluice(['expectations', 'validate', 'orders_refs'], p.dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/are not in stg_customers\.id/);
    expect(bad.stdout).toMatch(/are not in shop\.customers\.id/);
  }, 120_000);

  test('validate runs every suite, or the ones named; a suite naming no table cannot run; samples are distinct values', async () => {
    await db.sql(`DELETE FROM staging.stg_orders WHERE order_id = 12`);
    const all = await db.sluice(['expectations', 'validate'], p.dir);
    expect(all.code).toBe(1);
    const out = all.stdout;
    expect(out).toMatch(/^orders_refs on staging\.stg_orders: passed — 0 error\(s\), 0 warning\(s\)/m);
    // The share of unexpected values has its unit and counts; the samples are each failing value once.
    expect(out).toMatch(
      /^0 +expect_column_values_to_be_in_set +error +FAILED +80 %; 4 unexpected of 5 +"returned", "lost" +4 of 5/m,
    );
    expect(out).toMatch(/^outside on public\.outside: FAILED — 1 error\(s\), 0 warning\(s\)/m);
    const file = `${p.dir}/expectations/typo.json`;
    expect(out).toContain(
      `\ntypo: could not run: suite "typo" on stg_order: 2 problems\n` +
        `  - ${file}:3:12: /table: table "stg_order" is no model, seed or source (did you mean "stg_orders"?)${outsideHint('stg_order')}\n` +
        `  - ${file}:9:24: /expectations/0/kwargs/other_table: table "stg_customer" is no model, seed or source (did you mean "stg_customers"?)${outsideHint('stg_customer')}\n`,
    );
    expect(out).toMatch(/\n3 suite\(s\): 1 passed, 1 failed, 1 could not run — 1 error\(s\), 0 warning\(s\)\n$/);

    const two = await db.sluice(['expectations', 'validate', 'orders_refs', 'orders_refs', '--json'], p.dir);
    expect(two.code).toBe(0);
    expect(JSON.parse(two.stdout)).toMatchObject({ success: true, suites: [{ suite: 'orders_refs', success: true }] });

    // Unknown names stop the command before any suite runs.
    const before = await db.sql(`SELECT count(*)::int AS n FROM sluice.validation`);
    const dir = `${p.dir}/expectations`;
    const one = await db.sluice(['expectations', 'validate', 'outside', 'outsid'], p.dir);
    expect({ code: one.code, stdout: one.stdout, stderr: one.stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: no expectation suite "outsid" in ${dir} (did you mean "outside"?) (suites: orders_refs, outside, typo)\n`,
    });
    const many = await db.sluice(['expectations', 'validate', 'outsid', 'nope'], p.dir);
    expect(many.stderr).toBe(
      `error: expectations validate: 2 problems\n` +
        `  - no expectation suite "outsid" in ${dir} (did you mean "outside"?) (suites: orders_refs, outside, typo)\n` +
        `  - no expectation suite "nope" in ${dir} (suites: orders_refs, outside, typo)\n`,
    );
    expect(await db.sql(`SELECT count(*)::int AS n FROM sluice.validation`)).toEqual(before);
  }, 120_000);
});
