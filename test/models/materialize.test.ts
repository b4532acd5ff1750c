import pg from 'pg';
import { quoteQualified } from '../../src/db/quote';
import { SluiceError } from '../../src/errors/errors';
import { materialize, type MaterializeOptions } from '../../src/models/materialize';
import { sideName } from '../../src/models/relation';
import type { CompiledModel, FilePosition, Materialization } from '../../src/models/types';
import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';

let env: WarehouseDb;
let wh: WarehouseDb['wh'];
let client: WarehouseDb['client'];

beforeAll(async () => {
  env = await warehouseTestDb('models_materialize');
  ({ wh, client } = env);
});
afterAll(async () => {
  await env.close();
});

interface ModelSpec {
  readonly materialized?: Materialization;
  readonly schema?: string;
  readonly uniqueKey?: string[];
  /** The model file's line the SQL's first line came from. */
  readonly firstLine?: number;
  readonly lineMap?: FilePosition[];
}

/** A compiled model as the compile side would hand it over, its lines mapped to `sql/<schema>/<name>.sql`. */
function model(name: string, sql: string, spec: ModelSpec = {}): CompiledModel {
  const schema = spec.schema ?? 'marts';
  const file = `sql/${schema}/${name}.sql`;
  return {
    name,
    schema,
    sql,
    materialized: spec.materialized ?? 'table',
    uniqueKey: spec.uniqueKey ?? [],
    relation: quoteQualified(schema, name),
    lineMap: spec.lineMap ?? sql.split('\n').map((_, i) => ({ file, line: i + (spec.firstLine ?? 1), column: 1 })),
  };
}

async function failure(p: Promise<unknown>): Promise<SluiceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    expect((e as SluiceError).code).toBe('MODEL_FAILED');
    return e as SluiceError;
  }
  throw new Error('expected the build to fail');
}

const rows = async (sql: string) => (await client.query(sql)).rows;
const columns = async (schema: string, table: string) =>
  (
    await rows(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
    )
  ).map((r) => r.column_name);
const kind = async (schema: string, name: string) =>
  (
    await rows(
      `SELECT relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = '${schema}' AND relname = '${name}'`,
    )
  )[0]?.relkind;

/** Polls (no timing involved) until `sql` returns a row, e.g. until a backend waits on a lock. */
async function until(sql: string, params: unknown[] = []): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if ((await client.query(sql, params)).rowCount) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never true: ${sql}`);
}

describe('view', () => {
  it('creates the schema and the view, then replaces it with a different column list', async () => {
    const first = await materialize(
      wh,
      model('v_orders', 'select 1 as id, 2 as amount', { materialized: 'view', schema: 'fresh_schema' }),
    );
    expect(first.action).toBe('view');
    expect(first.rows).toBeUndefined();
    expect(first.ms).toBeGreaterThanOrEqual(0);
    expect(await columns('fresh_schema', 'v_orders')).toEqual(['id', 'amount']);
    // CREATE OR REPLACE VIEW would refuse this: a column dropped and the rest renamed and retyped.
    await materialize(
      wh,
      model('v_orders', "select 'x'::text as code,\n  now() as at", { materialized: 'view', schema: 'fresh_schema' }),
    );
    expect(await columns('fresh_schema', 'v_orders')).toEqual(['code', 'at']);
    expect(await rows('SELECT code FROM fresh_schema.v_orders')).toEqual([{ code: 'x' }]);
  });

  it('replaces a table of the same name (the materialization changed), and a table replaces a view', async () => {
    await materialize(wh, model('switch', 'select 1 as x'));
    expect(await kind('marts', 'switch')).toBe('r');
    await materialize(wh, model('switch', 'select 2 as x', { materialized: 'view' }));
    expect(await kind('marts', 'switch')).toBe('v');
    await materialize(wh, model('switch', 'select 3 as x'));
    expect(await kind('marts', 'switch')).toBe('r');
    expect(await rows('SELECT x FROM marts.switch')).toEqual([{ x: 3 }]);
  });
});

describe('table', () => {
  it('builds, counts rows, rebuilds, and leaves no side tables behind', async () => {
    const first = await materialize(wh, model('t_numbers', 'select g as n from generate_series(1, 5) g'));
    expect(first).toMatchObject({ action: 'table', rows: 5 });
    const again = await materialize(
      wh,
      model('t_numbers', 'select g as n, g * 2 as double from generate_series(1, 7) g'),
    );
    expect(again).toMatchObject({ action: 'table', rows: 7 });
    expect(await columns('marts', 't_numbers')).toEqual(['n', 'double']);
    expect(await rows(`SELECT relname FROM pg_class WHERE relname LIKE 't_numbers%' ORDER BY 1`)).toEqual([
      { relname: 't_numbers' },
    ]);
  });

  it('drops a side table left by a run that died mid-build', async () => {
    await client.query(
      `CREATE SCHEMA IF NOT EXISTS marts; CREATE TABLE marts.${sideName('t_crashed', 'new')} (junk int)`,
    );
    await materialize(wh, model('t_crashed', 'select 1 as ok'));
    expect(await rows('SELECT ok FROM marts.t_crashed')).toEqual([{ ok: 1 }]);
    expect(await kind('marts', sideName('t_crashed', 'new'))).toBeUndefined();
  });

  it('never shows a concurrent reader a missing or half-built table while it is rebuilt', async () => {
    const build = (k: number) => materialize(wh, model('t_swap', `select g from generate_series(1, ${k * 10000}) g`));
    await build(1);
    const reader = new pg.Client({ connectionString: env.url });
    await reader.connect();
    const seen = new Set<number>();
    const errors: string[] = [];
    let stop = false;
    let onRead: (() => void) | undefined;
    const loop = (async () => {
      while (!stop) {
        try {
          seen.add((await reader.query('SELECT count(*)::int AS n FROM marts.t_swap')).rows[0].n);
        } catch (e) {
          errors.push((e as Error).message);
        }
        onRead?.();
      }
    })();
    // After each rebuild, wait for the reader to finish one more read, so reads and rebuilds interleave.
    const nextRead = () =>
      new Promise<void>((resolve) => {
        onRead = resolve;
      });
    for (let k = 2; k <= 6; k++) {
      await build(k);
      await nextRead();
      await nextRead();
    }
    stop = true;
    await loop;
    await reader.end();
    expect(errors).toEqual([]);
    // Only whole tables: the first one, and each rebuild (every one read at least once after it).
    const built = [10000, 20000, 30000, 40000, 50000, 60000];
    for (const n of seen) expect(built).toContain(n);
    for (const n of built.slice(1)) expect(seen).toContain(n);
  });

  it('makes a query that arrives during the swap wait and then read the new table', async () => {
    await materialize(wh, model('t_locked', 'select 1 as x'));
    // A long reader holds the old table, so the swap's rename has to wait for it.
    const holder = new pg.Client({ connectionString: env.url });
    const late = new pg.Client({ connectionString: env.url });
    await holder.connect();
    await late.connect();
    const latePid = (await late.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await holder.query('BEGIN');
    expect((await holder.query('SELECT count(*)::int AS n FROM marts.t_locked')).rows[0].n).toBe(1);
    const rebuild = materialize(wh, model('t_locked', 'select g as x from generate_series(1, 3) g'));
    await until(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE%t_locked%'`);
    // This query queues behind the rename, on the old table.
    const lateRead = late.query('SELECT count(*)::int AS n FROM marts.t_locked');
    await until(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [latePid]);
    await holder.query('COMMIT');
    expect((await lateRead).rows[0].n).toBe(3);
    expect(await rebuild).toMatchObject({ action: 'table', rows: 3 });
    await holder.end();
    await late.end();
  });

  it('rebuilds the views models built on the old table, in the swap (they used to be dropped)', async () => {
    await materialize(wh, model('t_base', 'select 1 as x'));
    await materialize(wh, model('v_on_base', 'select x from marts.t_base', { materialized: 'view' }));
    await materialize(wh, model('v_on_v', 'select x + 1 as y from marts.v_on_base', { materialized: 'view' }));
    await client.query('GRANT SELECT ON marts.v_on_v TO PUBLIC');
    await materialize(wh, model('t_base', 'select 2 as x'));
    expect(await rows('SELECT y FROM marts.v_on_v')).toEqual([{ y: 3 }]);
    expect(
      await rows(
        `SELECT obj_description('marts.v_on_v'::regclass, 'pg_class') AS note, has_table_privilege('public', 'marts.v_on_v', 'SELECT') AS granted`,
      ),
    ).toEqual([{ note: 'sluice:model sql/marts/v_on_v.sql', granted: true }]);
    // Replacing a view model keeps the views on it the same way.
    await materialize(
      wh,
      model('v_on_base', 'select x * 10 as x, 1 as extra from marts.t_base', { materialized: 'view' }),
    );
    expect(await rows('SELECT y FROM marts.v_on_v')).toEqual([{ y: 21 }]);
  });
});

describe('what a model does not own', () => {
  it('refuses to write into a table no model built, and to drop a table another table has a foreign key to', async () => {
    await client.query(`CREATE TABLE marts.people_made (id int PRIMARY KEY); INSERT INTO marts.people_made VALUES (1)`);
    let e = await failure(
      materialize(wh, model('people_made', 'select 2 as id', { materialized: 'incremental', uniqueKey: ['id'] })),
    );
    expect(e.message).toMatch(
      /model "people_made" failed \(sql\/marts\/people_made\.sql\): "marts"\."people_made" exists and no Sluice model built it \(table, owned by role "postgres"\)/,
    );
    expect(await rows('SELECT id FROM marts.people_made')).toEqual([{ id: 1 }]);

    await materialize(wh, model('t_keyed', 'select 1 as id'));
    await client.query(
      'ALTER TABLE marts.t_keyed ADD PRIMARY KEY (id); CREATE TABLE public.refs (id int REFERENCES marts.t_keyed (id))',
    );
    e = await failure(materialize(wh, model('t_keyed', 'select 2 as id')));
    expect(e.message).toMatch(
      /replacing "marts"\."t_keyed" would drop what no model built, which depends on it: constraint refs_id_fkey on table refs/,
    );
    expect(await rows('SELECT id FROM marts.t_keyed')).toEqual([{ id: 1 }]);
    expect(await rows(`SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'refs_id_fkey'`)).toEqual([
      { n: 1 },
    ]);
    expect(await kind('marts', sideName('t_keyed', 'new'))).toBeUndefined();
  });
});

describe('incremental', () => {
  beforeAll(async () => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS raw;
      CREATE TABLE raw.events (id int, ds date, amount numeric, note text);
      INSERT INTO raw.events VALUES (1, '2024-01-01', 10, 'a'), (2, '2024-01-01', 20, 'b'), (3, '2024-01-02', 30, 'c')`);
  });

  const daily = (ds: string, extra = '', spec: ModelSpec = {}) =>
    model('events_daily', `select id, ds, amount${extra}\nfrom raw.events\nwhere ds = '${ds}'`, {
      materialized: 'incremental',
      uniqueKey: ['id'],
      ...spec,
    });
  const target = () => rows('SELECT id, ds::text, amount::int FROM marts.events_daily ORDER BY id');

  it('builds like a table on the first run, then replaces rows by key: re-running a day adds no duplicates', async () => {
    expect(await materialize(wh, daily('2024-01-01'))).toMatchObject({ action: 'table', rows: 2 });
    expect(await materialize(wh, daily('2024-01-02'))).toMatchObject({ action: 'merge', rows: 1 });
    expect(await materialize(wh, daily('2024-01-02'))).toMatchObject({ action: 'merge', rows: 1 });
    await client.query(`UPDATE raw.events SET amount = 11 WHERE id = 1`);
    expect(await materialize(wh, daily('2024-01-01'), { isIncremental: true })).toMatchObject({
      action: 'merge',
      rows: 2,
    });
    expect(await target()).toEqual([
      { id: 1, ds: '2024-01-01', amount: 11 },
      { id: 2, ds: '2024-01-01', amount: 20 },
      { id: 3, ds: '2024-01-02', amount: 30 },
    ]);
  });

  it('matches columns by name, not position', async () => {
    const reordered = model('events_daily', `select amount, ds, id from raw.events where ds = '2024-01-02'`, {
      materialized: 'incremental',
      uniqueKey: ['id'],
    });
    expect(await materialize(wh, reordered)).toMatchObject({ action: 'merge', rows: 1 });
    expect((await target())[2]).toEqual({ id: 3, ds: '2024-01-02', amount: 30 });
  });

  it('fails on a null unique key with the count and an example, leaving the table as it was', async () => {
    await client.query(
      `INSERT INTO raw.events VALUES (NULL, '2024-01-03', 1, 'n1'), (NULL, '2024-01-03', 2, 'n2'), (4, '2024-01-03', 4, 'ok')`,
    );
    const e = await failure(materialize(wh, daily('2024-01-03')));
    expect(e.message).toMatch(
      /model "events_daily" failed \(sql\/marts\/events_daily\.sql\): 2 rows have a null unique key \(id\), e\.g\. \{"id":null,"ds":"2024-01-03","amount":[12]\}/,
    );
    expect(await target()).toHaveLength(3);
  });

  it('fails on a null unique key on the first run too, creating nothing', async () => {
    const first = model('events_nulls', `select id, ds from raw.events where ds = '2024-01-03'`, {
      materialized: 'incremental',
      uniqueKey: ['ds', 'id'],
    });
    const e = await failure(materialize(wh, first));
    expect(e.message).toMatch(/2 rows have a null unique key \(ds, id\)/);
    expect(await rows(`SELECT relname FROM pg_class WHERE relname LIKE 'events_nulls%'`)).toEqual([]);
  });

  it('names a unique key column the model lacks', async () => {
    const e = await failure(materialize(wh, daily('2024-01-02', '', { uniqueKey: ['event_id'] })));
    expect(e.message).toMatch(/unique key column "event_id" not in the model's columns \(id, ds, amount\)/);
  });

  it('names new model columns and suggests --full-refresh, which then rebuilds the table', async () => {
    const e = await failure(materialize(wh, daily('2024-01-02', ', note, amount * 2 as twice')));
    expect(e.message).toMatch(/columns "note", "twice" that "marts"\."events_daily" lacks; run with --full-refresh/);
    const full = await materialize(wh, daily('2024-01-02', ', note, amount * 2 as twice'), { fullRefresh: true });
    expect(full).toMatchObject({ action: 'table', rows: 1 });
    expect(await columns('marts', 'events_daily')).toEqual(['id', 'ds', 'amount', 'note', 'twice']);
    expect(await materialize(wh, daily('2024-01-01', ', note, amount * 2 as twice'))).toMatchObject({
      action: 'merge',
      rows: 2,
    });
    expect(await rows('SELECT count(*)::int AS n FROM marts.events_daily')).toEqual([{ n: 3 }]);
  });

  it('appends when the model has no unique key', async () => {
    const m = model('events_log', `select id from raw.events where id = 1`, { materialized: 'incremental' });
    expect(await materialize(wh, m)).toMatchObject({ action: 'table', rows: 1 });
    expect(await materialize(wh, m)).toMatchObject({ action: 'append', rows: 1 });
    expect(await rows('SELECT count(*)::int AS n FROM marts.events_log')).toEqual([{ n: 2 }]);
  });
});

describe('ephemeral', () => {
  it('builds nothing', async () => {
    const out = await materialize(wh, model('eph', 'select 1 as x', { materialized: 'ephemeral' }));
    expect(out.action).toBe('ephemeral');
    expect(await kind('marts', 'eph')).toBeUndefined();
  });
});

describe('errors', () => {
  const broken = 'select\n  id,\n  amout as amount\nfrom raw.events';

  it.each<[Materialization, MaterializeOptions]>([
    ['view', {}],
    ['table', {}],
    ['incremental', { isIncremental: true }],
  ])('%s: reports the model file line and the compiled line of a Postgres error', async (materialized, opts) => {
    if (materialized === 'incremental')
      await materialize(wh, model('revenue', 'select 1 as id', { materialized, uniqueKey: ['id'] }));
    const e = await failure(
      materialize(wh, model('revenue', broken, { materialized, uniqueKey: ['id'], firstLine: 10 }), opts),
    );
    expect(e.message).toMatch(/^model "revenue" failed: sql\/marts\/revenue\.sql:12: column "amout" does not exist/);
    expect(e.message).toContain('compiled SQL line 3:   amout as amount\n');
    expect(e.message.split('\n').at(-1)).toBe(' '.repeat('  compiled SQL line 3: '.length + 2) + '^');
    expect(e.issues[0]).toMatchObject({ file: 'sql/marts/revenue.sql', line: 12 });
  });

  it('counts characters, not UTF-16 units, before the error', async () => {
    const sql = "select '😀é' as s, 1 as a,\n  '😀' as t, amout";
    const e = await failure(materialize(wh, model('emoji', sql)));
    expect(e.message).toMatch(/sql\/marts\/emoji\.sql:2: column "amout" does not exist/);
    // Column 12 in characters; counting UTF-16 units would put the error two characters early.
    expect(e.message.split('\n').at(-1)).toBe(' '.repeat('  compiled SQL line 2: '.length + 12) + '^');
  });

  it('maps a line inlined from an ephemeral model to that model file', async () => {
    const sql = 'with base as (\n  select amout from raw.events\n)\nselect * from base';
    const lineMap = [
      { file: 'sql/marts/revenue.sql', line: 1, column: 1 },
      { file: 'sql/intermediate/base.sql', line: 4, column: 1 },
      { file: 'sql/marts/revenue.sql', line: 1, column: 1 },
      { file: 'sql/marts/revenue.sql', line: 2, column: 1 },
    ];
    const e = await failure(materialize(wh, model('revenue', sql, { lineMap })));
    expect(e.message).toMatch(/sql\/intermediate\/base\.sql:4: column "amout" does not exist/);
  });

  it('names the model file when Postgres gives no position, with its detail and hint', async () => {
    let e = await failure(materialize(wh, model('div', 'select 1 / 0 as x'), { file: 'sql/marts/div.sql' }));
    expect(e.message).toBe('model "div" failed (sql/marts/div.sql): division by zero');
    e = await failure(materialize(wh, model('badfn', 'select no_such_fn(1) as x')));
    expect(e.message).toMatch(
      /sql\/marts\/badfn\.sql:1: function no_such_fn\(integer\) does not exist\n {2}hint: No function matches/,
    );
  });
});
