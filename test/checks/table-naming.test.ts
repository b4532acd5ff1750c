import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableResolver } from '../../src/checks/suite-table';
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
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('one rule names a table: a model name, a declared source table, or schema.table', () => {
  const p = project();
  try {
    const resolve = tableResolver(p.dir);
    expect(resolve('stg_orders')).toBe('staging.stg_orders');
    expect(resolve('shop.customers')).toBe('raw.shop_customers');
    expect(resolve('marts.anything')).toBe('marts.anything');
    expect(resolve('no_such_model')).toBe('no_such_model');
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
      CREATE TABLE staging.stg_orders (order_id int, customer_id int); INSERT INTO staging.stg_orders VALUES (10, 1), (11, 2);`);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    p.cleanup();
  });

  test('suites find other tables by model name and source as they find their own', async () => {
    const ok = await db.sluice(['expectations', 'validate', 'orders_refs', '--json'], p.dir);
    expect(ok.stderr).not.toMatch(/Warning/); // no query queued on a busy client (pg deprecates it)
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(result.table).toBe('staging.stg_orders');
    expect(result.results.map((r: { success: boolean }) => r.success)).toEqual([true, true, true]);

    await db.sql(`INSERT INTO staging.stg_orders VALUES (12, 3)`);
    const bad = await db.sluice(['expectations', 'validate', 'orders_refs'], p.dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/are not in stg_customers\.id/);
    expect(bad.stdout).toMatch(/are not in shop\.customers\.id/);
  }, 120_000);
});
