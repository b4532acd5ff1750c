/**
 * Model runner overhead: n no-op models (`select 1 as x`, in a chain so they build one after
 * another) run through `runModels`, against the very statements that run sent (recorded once, then
 * replayed on one connection: lookups, DDL, BEGIN/COMMIT) in the same process, alternating.
 * The difference per model is what the runner and the materialization code add beyond the SQL.
 *
 * The compile callback returns a precompiled model from a map, so template rendering is not in
 * the figure: it measures scheduling, events, error plumbing, the pool and the materialization's
 * JavaScript, not compiling.
 */
import pg from 'pg';
import { quoteIdent, quoteQualified } from '../../src/db/quote';
import { directWarehouse } from '../../src/executor/child-warehouse';
import { runModels } from '../../src/models/runner';
import type { CompiledModel, Materialization, ModelNode, ModelProject } from '../../src/models/types';
import type { Warehouse } from '../../src/db/queryable';
import { median, since } from './stats';

const SCHEMA = 'bench_models';

export interface RunOverheadKind {
  readonly materialized: Materialization;
  /** Median wall time of one `runModels` over all n models. */
  readonly runMs: number;
  /** Median wall time of the same statements sent directly, one after another. */
  readonly sqlMs: number;
  /** Statements a model costs (BEGIN and COMMIT included). */
  readonly statementsPerModel: number;
  /** (runMs - sqlMs) / n. */
  readonly perModelMs: number;
}

export interface RunOverhead {
  readonly models: number;
  readonly reps: number;
  readonly kinds: readonly RunOverheadKind[];
  /** The worst kind's per-model overhead (target ≤ 5 ms). */
  readonly perModelMs: number;
}

type Op = { sql: string; params?: readonly unknown[] } | 'BEGIN' | 'COMMIT';

/** The warehouse, writing down every statement it is sent. */
function recording(wh: Warehouse, ops: Op[]): Warehouse {
  return {
    query: (sql, params) => {
      ops.push({ sql, params });
      return wh.query(sql, params);
    },
    transaction: (fn) =>
      wh.transaction(async (tx) => {
        ops.push('BEGIN');
        const out = await fn({
          query: (sql, params) => {
            ops.push({ sql, params });
            return tx.query(sql, params);
          },
        });
        ops.push('COMMIT');
        return out;
      }),
  };
}

function chain(
  n: number,
  materialized: Materialization,
): { project: ModelProject; compiled: Map<string, CompiledModel> } {
  const names = Array.from({ length: n }, (_, i) => `m_${materialized}_${String(i).padStart(5, '0')}`);
  const nodes = names.map((name): ModelNode => ({
    name,
    file: `/bench/sql/${SCHEMA}/${name}.sql`,
    path: `sql/${SCHEMA}/${name}.sql`,
    template: 'select 1 as x',
    templateLine: 1,
    refs: [],
    sources: [],
    config: { materialized, schema: SCHEMA, uniqueKey: [], tags: [], columns: {} },
  }));
  const compiled = new Map(
    names.map((name): [string, CompiledModel] => [
      name,
      {
        name,
        schema: SCHEMA,
        materialized,
        uniqueKey: [],
        relation: quoteQualified(SCHEMA, name),
        sql: 'select 1 as x',
        lineMap: [{ file: `sql/${SCHEMA}/${name}.sql`, line: 1, column: 1 }],
      },
    ]),
  );
  return {
    project: {
      root: '/bench',
      seeds: new Map(),
      models: new Map(nodes.map((m) => [m.name, m])),
      upstream: new Map(names.map((m, i) => [m, i ? [names[i - 1]] : []])),
    },
    compiled,
  };
}

async function replay(client: pg.Client, ops: readonly Op[]): Promise<void> {
  for (const op of ops) {
    if (op === 'BEGIN' || op === 'COMMIT') await client.query(op);
    else await client.query(op.sql, op.params as unknown[] | undefined);
  }
}

async function measureKind(
  wh: Warehouse,
  client: pg.Client,
  n: number,
  reps: number,
  materialized: Materialization,
): Promise<RunOverheadKind> {
  const { project, compiled } = chain(n, materialized);
  const names = [...compiled.keys()];
  const run = async (warehouse: Warehouse) => {
    const results = await runModels({ warehouse, project, names, compile: (name) => compiled.get(name)! });
    const failed = results.find((r) => r.status !== 'success');
    if (failed) throw new Error(`benchmark model ${failed.name} did not build: ${failed.error}`);
  };
  await run(wh); // first build: creates every relation
  const ops: Op[] = [];
  await run(recording(wh, ops)); // a steady-state rebuild, as every measured one is
  await replay(client, ops);
  const runs: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < reps; i++) {
    let t0 = performance.now();
    await run(wh);
    runs.push(since(t0));
    t0 = performance.now();
    await replay(client, ops);
    direct.push(since(t0));
  }
  const runMs = median(runs);
  const sqlMs = median(direct);
  return { materialized, runMs, sqlMs, statementsPerModel: ops.length / n, perModelMs: (runMs - sqlMs) / n };
}

/** Runner overhead per model for views and tables, over `n` models each, median of `reps` runs. */
export async function measureRunOverhead(url: string, n: number, opts: { reps?: number } = {}): Promise<RunOverhead> {
  const reps = opts.reps ?? 5;
  const wh = directWarehouse(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(SCHEMA)} CASCADE`);
    const kinds: RunOverheadKind[] = [];
    for (const kind of ['view', 'table'] as const) kinds.push(await measureKind(wh, client, n, reps, kind));
    return { models: n, reps, kinds, perModelMs: Math.max(...kinds.map((k) => k.perModelMs)) };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(SCHEMA)} CASCADE`).catch(() => undefined);
    await client.end();
    await wh.close();
  }
}
