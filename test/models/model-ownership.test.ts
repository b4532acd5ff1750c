/**
 * A model writes only what it owns, on Postgres and on embedded PGlite, as a user meets it: model
 * files in a project, `sluice models run`. A model cannot target the platform schema or a schema
 * sources own (compile error naming the file, the line and the owner); model SQL is one statement;
 * a relation no model built (a load's raw table, a person's table) is never replaced; replacing a
 * relation rebuilds the views other models built on it and stops at anything else.
 */
import { quoteQualified } from '../../src/db/quote';
import type { CompiledModel } from '../../src/models/types';
import { writeProject } from './fixture';
import { DB_KINDS, openTestDb, type TestDb } from './databases';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const SOURCES = 'shop:\n  tables: [orders]\ncrm:\n  schema: landing\n  tables: [deals]\n';

describe.each(DB_KINDS)('%s', (kind) => {
  let db: TestDb;
  let root: string;
  const put = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  const drop = (rel: string) => rmSync(path.join(root, rel));
  const run = (...args: string[]) => db.sluice(['models', 'run', ...args], root);
  const relkinds = async () =>
    Object.fromEntries(
      (
        await db.sql(
          `SELECT n.nspname || '.' || c.relname AS rel, c.relkind::text AS k FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('raw', 'landing', 'marts', 'staging', 'public', 'sluice') AND c.relkind IN ('r', 'p', 'v') ORDER BY 1`,
        )
      ).map((r) => [r.rel, r.k]),
    );

  beforeAll(async () => {
    db = await openTestDb(kind, `own_${kind}`);
    root = writeProject({
      'sql/sources.yml': SOURCES,
      'sql/staging/stg_orders.sql': 'select id, amount from {{source "shop" "orders"}}\n',
      'sql/marts/totals.sql':
        '/* config\nmaterialized: table\n*/\nselect count(*) as n, sum(amount) as total from {{ref "stg_orders"}}\n',
      'sql/marts/by_size.sql': 'select n, total from {{ref "totals"}}\n',
    });
    await db.sql(`CREATE SCHEMA raw; CREATE TABLE raw.shop_orders (id int, amount int); INSERT INTO raw.shop_orders VALUES (1, 10), (2, 20), (3, 30);
      CREATE SCHEMA landing; CREATE TABLE landing.crm_deals (id int); INSERT INTO landing.crm_deals VALUES (7)`);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  test('models cannot target the platform schema or a schema sources own, nor hold a second statement: one compile error names each file, line and owner', async () => {
    const before = await relkinds();
    put('sql/raw/shop_orders.sql', 'select 1 as id\n');
    put('sql/marts/platform.sql', '/* config\nschema: sluice\nmaterialized: table\n*/\nselect 1 as id\n');
    put('sql/marts/deals.sql', '/* config\nschema: landing\n*/\nselect 1 as id\n');
    put('sql/marts/evil.sql', 'select 1 as x\n; drop table raw.shop_orders\n');
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /sql\/raw\/shop_orders\.sql:1:1: model "shop_orders" cannot be built in schema "raw" \(named by its folder sql\/raw\/\): it holds the tables of source "shop" \(sql\/sources\.yml\), which loads write/,
    );
    expect(r.stderr).toMatch(
      /sql\/marts\/platform\.sql:2:9: model "platform" cannot be built in schema "sluice" \(set by its config block\): it is Sluice's platform schema/,
    );
    expect(r.stderr).toMatch(
      /sql\/marts\/deals\.sql:2:9: model "deals" cannot be built in schema "landing" .*source "crm"/,
    );
    for (const f of ['sql/raw/shop_orders.sql', 'sql/marts/platform.sql', 'sql/marts/deals.sql']) drop(f);
    // Compiled when it runs: the second statement is refused, the other models build.
    const second = await run();
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/error in evil: .*\n.*sql\/marts\/evil\.sql:2:3: a second SQL statement starts here/);
    drop('sql/marts/evil.sql');
    // Nothing of theirs was built or dropped: the raw tables keep their rows, the platform schema its tables.
    const after = await relkinds();
    expect(Object.keys(after).filter((k) => !(k in before))).toEqual([
      'marts.by_size',
      'marts.totals',
      'staging.stg_orders',
    ]);
    expect(Object.fromEntries(Object.keys(before).map((k) => [k, after[k]]))).toEqual(before);
    expect(await db.sql('SELECT count(*)::int AS n FROM raw.shop_orders')).toEqual([{ n: 3 }]);
    expect(before['sluice.task_instance']).toBe('r');
  }, 120_000);

  test("a relation no model built is never replaced or written: a person's table, a raw table a load wrote in a schema the project does not know", async () => {
    await db.sql(`CREATE TABLE marts.orders_report (mine text); INSERT INTO marts.orders_report VALUES ('keep me');
      CREATE SCHEMA app_raw; CREATE TABLE app_raw.events (id int, _partition text NOT NULL, _source_object text NOT NULL) PARTITION BY LIST (_partition);
      INSERT INTO sluice.ingestion_log (kind, status, source, target) VALUES ('load', 'success', 'app.events', 'app_raw.events')`);
    put('sql/marts/orders_report.sql', '/* config\nmaterialized: table\n*/\nselect 1 as id\n');
    put('sql/app_raw/events.sql', 'select 1 as id\n');
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/success stg_orders/);
    expect(r.stderr).toMatch(
      /model "orders_report" failed \(sql\/marts\/orders_report\.sql\): "marts"\."orders_report" exists and no Sluice model built it \(table, owned by role "postgres"\)/,
    );
    expect(r.stderr).toMatch(
      /model "events" failed \(sql\/app_raw\/events\.sql\): "app_raw"\."events" exists and no Sluice model built it \(table, a raw table that loads write \(loaded by source app\.events\)/,
    );
    expect(await db.sql('SELECT mine FROM marts.orders_report')).toEqual([{ mine: 'keep me' }]);
    expect((await relkinds())['app_raw.events']).toBeUndefined(); // not in the listed schemas: look directly
    expect(await db.sql(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'app_raw.events'::regclass`)).toEqual([
      { k: 'p' },
    ]);
    drop('sql/marts/orders_report.sql');
    drop('sql/app_raw/events.sql');
  }, 120_000);

  test('replacing a relation rebuilds the views models built on it, and stops at a view no model built instead of dropping it', async () => {
    expect((await run()).code).toBe(0);
    await db.sql('CREATE VIEW public.size_report AS SELECT n FROM marts.by_size');
    put(
      'sql/marts/totals.sql',
      '/* config\nmaterialized: table\n*/\nselect count(*) as n, sum(amount) * 2 as total from {{ref "stg_orders"}}\n',
    );
    let r = await run('--select', 'totals');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /model "totals" failed \(sql\/marts\/totals\.sql\): replacing "marts"\."totals" would drop what no model built, which depends on it: view public\.size_report \(on marts\.by_size\)/,
    );
    expect(await db.sql('SELECT total::int FROM marts.totals')).toEqual([{ total: 60 }]);
    expect(await db.sql('SELECT n::int FROM public.size_report')).toEqual([{ n: 3 }]);

    await db.sql('DROP VIEW public.size_report');
    expect((await run('--select', 'totals')).code).toBe(0);
    // by_size was not selected: rebuilt on the new table in the same transaction, still marked as its model's.
    expect(await db.sql('SELECT total::int FROM marts.by_size')).toEqual([{ total: 120 }]);
    expect(await db.sql(`SELECT obj_description('marts.by_size'::regclass, 'pg_class') AS note`)).toEqual([
      { note: 'sluice:model sql/marts/by_size.sql' },
    ]);

    // A column by_size uses goes: by_size cannot be rebuilt as it was, so nothing is replaced ...
    put(
      'sql/marts/totals.sql',
      '/* config\nmaterialized: table\n*/\nselect count(*) as cnt, sum(amount) as total from {{ref "stg_orders"}}\n',
    );
    r = await run('--select', 'totals');
    expect(r.stderr).toMatch(
      /view marts\.by_size \(built by model sql\/marts\/by_size\.sql\) depends on "marts"\."totals" and no longer fits it: .*column .*n.* does not exist.*Nothing was replaced/,
    );
    expect(await db.sql('SELECT n::int, total::int FROM marts.totals')).toEqual([{ n: 3, total: 120 }]);
    // ... unless by_size is rebuilt in the same run.
    put('sql/marts/by_size.sql', 'select cnt as n, total from {{ref "totals"}}\n');
    expect((await run('--select', 'totals+')).code).toBe(0);
    expect(await db.sql('SELECT n::int, total::int FROM marts.by_size')).toEqual([{ n: 3, total: 60 }]);
  }, 180_000);

  test('the run-time guards hold without the compile-time checks: a second statement is refused by Postgres, the platform schema is refused', async () => {
    const compiled = (
      name: string,
      schema: string,
      sql: string,
      materialized: CompiledModel['materialized'] = 'view',
    ): CompiledModel => ({
      name,
      schema,
      materialized,
      uniqueKey: [],
      relation: quoteQualified(schema, name),
      sql,
      lineMap: sql.split('\n').map((_, i) => ({ file: `sql/${schema}/${name}.sql`, line: i + 1, column: 1 })),
    });
    // The lexer would have stopped this at compile time; sent as it is, Postgres refuses the second statement.
    for (const m of ['view', 'table'] as const) {
      const out = await db.materialize(compiled(`two_${m}`, 'marts', 'select 1 as x;\ndrop table raw.shop_orders', m));
      expect(out.error).toMatch(
        new RegExp(`model "two_${m}" failed: sql/marts/two_${m}\\.sql:2: the model holds more than one SQL statement`),
      );
    }
    expect(await db.sql('SELECT count(*)::int AS n FROM raw.shop_orders')).toEqual([{ n: 3 }]);
    const platform = await db.materialize(compiled('task_instance', 'sluice', 'select 1 as x', 'table'));
    expect(platform.error).toMatch(
      /model "task_instance" failed \(sql\/sluice\/task_instance\.sql\): it cannot be built in schema "sluice": it is Sluice's platform schema/,
    );
    expect(
      await db.sql(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'sluice.task_instance'::regclass`),
    ).toEqual([{ k: 'r' }]);
  }, 120_000);
});
