import path from 'node:path';
import { quoteQualified } from '../../src/db/quote';
import { SluiceError } from '../../src/errors/errors';
import { runModels, type ModelRunEvent, type ModelRunResult, type RunModelsOptions } from '../../src/models/runner';
import type { CompiledModel, Materialization, ModelNode, ModelProject } from '../../src/models/types';
import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';

let env: WarehouseDb;
let wh: WarehouseDb['wh'];
let client: WarehouseDb['client'];

beforeAll(async () => {
  env = await warehouseTestDb('models_runner');
  ({ wh, client } = env);
  // Each call records when it started, waits for a shared advisory lock the test may hold, then
  // records when it ended: a model built on it shows whether builds overlapped.
  await client.query(`CREATE FUNCTION public.barrier(key bigint) RETURNS TABLE (started_at timestamptz, ended_at timestamptz)
    LANGUAGE plpgsql AS $$ BEGIN
      started_at := clock_timestamp();
      PERFORM pg_advisory_xact_lock_shared(key);
      ended_at := clock_timestamp();
      RETURN NEXT;
    END $$`);
});
afterAll(async () => {
  await env.close();
});

interface Spec {
  readonly sql: string;
  readonly materialized?: Materialization;
  readonly refs?: string[];
  readonly uniqueKey?: string[];
  readonly schema?: string;
}

/** A project and a compile callback built by hand from `name → spec` (the compile side is not under test). */
function fixture(specs: Record<string, Spec>) {
  const node = (name: string, s: Spec): ModelNode => {
    const schema = s.schema ?? 'marts';
    const rel = `sql/${schema}/${name}.sql`;
    return {
      name,
      file: path.join('/project', rel),
      path: rel,
      template: s.sql,
      templateLine: 1,
      refs: [],
      sources: [],
      config: { materialized: s.materialized ?? 'table', schema, uniqueKey: s.uniqueKey ?? [], tags: [], columns: {} },
    };
  };
  const project: ModelProject = {
    root: '/project',
    seeds: new Map(),
    models: new Map(Object.entries(specs).map(([n, s]) => [n, node(n, s)])),
    upstream: new Map(Object.entries(specs).map(([n, s]) => [n, s.refs ?? []])),
  };
  const calls: { name: string; isIncremental: boolean }[] = [];
  const compile = (name: string, opts: { isIncremental: boolean }): CompiledModel => {
    calls.push({ name, ...opts });
    const n = project.models.get(name)!;
    const sql = specs[name].sql.replace('{{where}}', opts.isIncremental ? 'where false' : '');
    return {
      name,
      schema: n.config.schema,
      materialized: n.config.materialized,
      uniqueKey: n.config.uniqueKey,
      relation: quoteQualified(n.config.schema, name),
      sql,
      lineMap: sql.split('\n').map((_, i) => ({ file: n.path, line: i + 1, column: 1 })),
    };
  };
  const run = (names: string[], extra: Partial<RunModelsOptions> = {}) =>
    runModels({ warehouse: wh, project, names, compile, ...extra });
  return { project, compile, calls, run };
}

const byName = (results: ModelRunResult[]) => Object.fromEntries(results.map((r) => [r.name, r]));
type Stamps = { started_at: Date; ended_at: Date };
async function stamps(tables: string[]): Promise<Stamps[]> {
  const out: Stamps[] = [];
  for (const t of tables) out.push((await client.query(`SELECT started_at, ended_at FROM marts.${t}`)).rows[0]);
  return out;
}

/** Polls (no timing involved) until `n` backends wait for advisory lock `key`. */
async function waiters(key: number, n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const r = await client.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
      [key],
    );
    if (r.rows[0].n >= n) return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`never ${n} waiters on advisory lock ${key}`);
}

describe('runModels', () => {
  it('runs models in graph order, whatever order they are given in, and reports each', async () => {
    const f = fixture({
      o_c: { sql: 'select x + 1 as x, clock_timestamp() as at from marts.o_b', refs: ['o_b'] },
      o_b: { sql: 'select x + 1 as x from marts.o_a', refs: ['o_a'], materialized: 'view' },
      o_a: { sql: 'select 1 as x, clock_timestamp() as at' },
      o_d: { sql: 'select 1 as y' },
    });
    const events: ModelRunEvent[] = [];
    const results = await f.run(['o_c', 'o_d', 'o_b', 'o_a'], { onEvent: (e) => events.push(e) });
    expect(results.map((r) => [r.name, r.status, r.action])).toEqual([
      ['o_a', 'success', 'table'],
      ['o_b', 'success', 'view'],
      ['o_c', 'success', 'table'],
      ['o_d', 'success', 'table'],
    ]);
    expect(byName(results).o_a.rows).toBe(1);
    const [{ x, c_at, a_at }] = (
      await client.query('SELECT c.x, c.at AS c_at, a.at AS a_at FROM marts.o_c c, marts.o_a a')
    ).rows;
    expect(x).toBe(3);
    expect(c_at.getTime()).toBeGreaterThanOrEqual(a_at.getTime());
    const order = events.filter((e) => e.type === 'start').map((e) => (e as { name: string }).name);
    expect(order.indexOf('o_a')).toBeLessThan(order.indexOf('o_b'));
    expect(order.indexOf('o_b')).toBeLessThan(order.indexOf('o_c'));
    expect(events.filter((e) => e.type === 'finish')).toHaveLength(4);
  });

  it('rebuilds a downstream view dropped with the table it reads when both are selected', async () => {
    const f = fixture({
      v_base: { sql: 'select 1 as x' },
      v_top: { sql: 'select x from marts.v_base', refs: ['v_base'], materialized: 'view' },
    });
    await f.run(['v_base', 'v_top']);
    const again = await f.run(['v_base', 'v_top']);
    expect(again.map((r) => r.status)).toEqual(['success', 'success']);
    expect((await client.query('SELECT x FROM marts.v_top')).rows).toEqual([{ x: 1 }]);
  });

  it('builds independent models at the same time', async () => {
    const f = fixture({
      p_1: { sql: 'select * from public.barrier(101)' },
      p_2: { sql: 'select * from public.barrier(101)' },
      p_3: { sql: 'select * from public.barrier(101)' },
    });
    await client.query('SELECT pg_advisory_lock(101)');
    const running = f.run(['p_1', 'p_2', 'p_3'], { concurrency: 3 });
    await waiters(101, 3); // all three builds are inside their SQL at once
    await client.query('SELECT pg_advisory_unlock(101)');
    expect((await running).map((r) => r.status)).toEqual(['success', 'success', 'success']);
    const s = await stamps(['p_1', 'p_2', 'p_3']);
    const lastStart = Math.max(...s.map((x) => x.started_at.getTime()));
    const firstEnd = Math.min(...s.map((x) => x.ended_at.getTime()));
    expect(lastStart).toBeLessThanOrEqual(firstEnd);
  });

  it('builds no more than `concurrency` models at once', async () => {
    const f = fixture({
      q_1: { sql: 'select * from public.barrier(102)' },
      q_2: { sql: 'select * from public.barrier(102)' },
      q_3: { sql: 'select * from public.barrier(102)' },
    });
    await client.query('SELECT pg_advisory_lock(102)');
    const running = f.run(['q_1', 'q_2', 'q_3'], { concurrency: 2 });
    await waiters(102, 2);
    await client.query('SELECT pg_advisory_unlock(102)');
    expect((await running).map((r) => r.status)).toEqual(['success', 'success', 'success']);
    const s = (await stamps(['q_1', 'q_2', 'q_3'])).sort((a, b) => a.started_at.getTime() - b.started_at.getTime());
    // The third started only after one of the first two had ended.
    expect(s[2].started_at.getTime()).toBeGreaterThanOrEqual(
      Math.min(s[0].ended_at.getTime(), s[1].ended_at.getTime()),
    );
  });

  it('skips the selected descendants of a failed model, through ephemeral and unselected models, and runs the rest', async () => {
    const f = fixture({
      f_bad: { sql: 'select\n  amout\nfrom (select 1 as amount) s' },
      f_view: { sql: 'select * from marts.f_bad', refs: ['f_bad'], materialized: 'view' },
      f_top: { sql: 'select * from marts.f_view', refs: ['f_view'] },
      f_eph: { sql: 'select * from marts.f_bad', refs: ['f_bad'], materialized: 'ephemeral' },
      f_via_eph: { sql: 'select 1 as x', refs: ['f_eph'] },
      f_unselected: { sql: 'select 1 as x', refs: ['f_bad'] },
      f_via_unselected: { sql: 'select 1 as x', refs: ['f_unselected'] },
      f_ok: { sql: 'select 1 as x' },
    });
    const names = ['f_bad', 'f_view', 'f_top', 'f_eph', 'f_via_eph', 'f_via_unselected', 'f_ok'];
    const r = byName(await f.run(names, { concurrency: 1 }));
    expect(r.f_bad).toMatchObject({ status: 'error', action: 'none' });
    expect(r.f_bad.error).toMatch(/^model "f_bad" failed: sql\/marts\/f_bad\.sql:2: column "amout" does not exist/);
    expect(r.f_bad.issues).toEqual([expect.objectContaining({ file: 'sql/marts/f_bad.sql', line: 2 })]);
    for (const n of ['f_view', 'f_top', 'f_via_eph', 'f_via_unselected']) {
      expect(r[n]).toMatchObject({ status: 'skipped', action: 'none', error: 'upstream model "f_bad" failed' });
    }
    expect(r.f_eph).toMatchObject({ status: 'skipped', action: 'ephemeral' });
    expect(r.f_ok).toMatchObject({ status: 'success', action: 'table' });
    expect(f.calls.map((c) => c.name).sort()).toEqual(['f_bad', 'f_ok']);
  });

  it('reports a compile error as the model failing', async () => {
    const f = fixture({ c_a: { sql: 'select 1 as x' }, c_b: { sql: 'select 1 as x', refs: ['c_a'] } });
    const compile = (name: string, opts: { isIncremental: boolean }) => {
      if (name === 'c_a') throw new SluiceError('MODEL_INVALID', 'sql/marts/c_a.sql:3: unknown ref "nope"');
      return f.compile(name, opts);
    };
    const r = await runModels({ warehouse: wh, project: f.project, names: ['c_a', 'c_b'], compile });
    expect(r.map((x) => [x.status, x.error])).toEqual([
      ['error', 'sql/marts/c_a.sql:3: unknown ref "nope"'],
      ['skipped', 'upstream model "c_a" failed'],
    ]);
  });

  it('compiles an incremental model as incremental only when its table exists and no full refresh is asked', async () => {
    await client.query(
      "CREATE SCHEMA IF NOT EXISTS raw; CREATE TABLE raw.items (id int, v text); INSERT INTO raw.items VALUES (1, 'a'), (2, 'b')",
    );
    const f = fixture({
      i_items: { sql: 'select id, v from raw.items\n{{where}}', materialized: 'incremental', uniqueKey: ['id'] },
    });
    expect((await f.run(['i_items']))[0]).toMatchObject({ status: 'success', action: 'table', rows: 2 });
    expect((await f.run(['i_items']))[0]).toMatchObject({ status: 'success', action: 'merge', rows: 0 });
    expect((await f.run(['i_items'], { fullRefresh: true }))[0]).toMatchObject({
      status: 'success',
      action: 'table',
      rows: 2,
    });
    expect(f.calls.map((c) => c.isIncremental)).toEqual([false, true, false]);
    expect((await client.query('SELECT count(*)::int AS n FROM marts.i_items')).rows).toEqual([{ n: 2 }]);
  });

  it('rejects unknown model names with did-you-mean', async () => {
    const f = fixture({ revenue: { sql: 'select 1 as x' } });
    await expect(f.run(['revnue'])).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: 'unknown model "revnue" (did you mean "revenue"?)',
    });
  });
});
