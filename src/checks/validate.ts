/**
 * Validating a suite against the warehouse, everything pushed down to Postgres:
 *   1. the catalog: the table, every column and other table named (one query);
 *   2. the probe: where, literals, regexes, type names and every query parsed and planned without
 *      reading a row (one query; problems are reported together, naming suite, expectation and kwarg);
 *   3. ONE aggregate query with every metric of the suite, plus the few queries that cannot be
 *      aggregates (most common value, referential, custom SQL), sent together;
 *   4. for failing map expectations only, up to 20 failing rows each (one query).
 */
import { SluiceError, ValidationError, type Issue } from '../errors/errors';
import { isTransientDbError } from '../db/transient-errors';
import type { Queryable, Warehouse } from '../db/queryable';
import { readCatalog } from './catalog';
import { withColumnHint } from '../util/did-you-mean';
import type { ExpectationType, Key, MapPlan, Planned } from './expectation';
import { mapSuccess, mapSummary, needsFailingRows, percentOf, readMapCounts, type MapCounts } from './map-result';
import { SuitePlan, type Problem } from './plan';
import { checkRefs, otherTables } from './preflight';
import { probeSuite } from './probe';
import { expectationType } from './registry';
import { failingRowsSql, fetchFailingRows } from './samples';
import { checkSuite, suiteIssue } from './suite-file';
import type { ExpectationResult, Suite, ValidationContext, ValidationResult } from './types';

/**
 * Runs `fn` in one REPEATABLE READ, READ ONLY transaction when the warehouse has transactions,
 * else on the (counting) warehouse as it is. `tally` counts each statement `fn` sends.
 */
async function inSnapshot<T>(
  wh: Queryable,
  counting: Queryable,
  tally: () => void,
  fn: (q: Queryable) => Promise<T>,
): Promise<T> {
  const transaction = (wh as Partial<Warehouse>).transaction;
  if (!transaction) return fn(counting);
  return transaction.call(wh, async (c) => {
    await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return fn({
      query: (sql, params) => {
        tally();
        return c.query(sql, params);
      },
    });
  }) as Promise<T>;
}

/** Errors Postgres raises about the query or the data (not a lost connection) name the suite. */
async function inPostgres<T>(suite: Suite, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || isTransientDbError(e) || /^(08|57|53)/.test(code)) throw e;
    throw new SluiceError(
      'CHECK_INVALID',
      `suite "${suite.name}" on ${suite.table}: ${what} failed in Postgres: ${(e as Error).message}`,
      [{ file: suite.file, message: `${what}: ${(e as Error).message}` }],
    );
  }
}

export async function validateSuite(
  wh: Queryable,
  suite: Suite,
  ctx: ValidationContext = {},
): Promise<ValidationResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  let queries = 0;
  const tally = () => {
    queries++;
  };
  const q: Queryable = {
    query: (sql, params) => {
      tally();
      return wh.query(sql, params);
    },
  };
  const fail = (issues: readonly Issue[]): never => {
    throw new ValidationError('CHECK_INVALID', `suite "${suite.name}" on ${suite.table}`, issues);
  };

  const shape = checkSuite(suite);
  if (shape.length) fail(shape);
  const items = suite.expectations.map((config, index) => ({
    index,
    config,
    kwargs: config.kwargs,
    type: expectationType(config.type) as ExpectationType,
  }));
  const others = otherTables(items);
  const resolve = ctx.resolveTable ?? ((t: string) => t);
  const found = await inPostgres(suite, 'reading the catalog', () =>
    readCatalog(q, [suite.table, ...others.map(resolve)]),
  );
  // Expectations look other tables up by the name they were written with.
  const catalog = new Map(found);
  for (const other of others) catalog.set(other, found.get(resolve(other)));
  const table = catalog.get(suite.table);
  if (!table)
    return fail([
      suiteIssue(
        suite,
        '/table',
        `table "${suite.table}" does not exist${suite.table.includes('.') ? '' : ' on the search_path'}`,
      ),
    ]);

  const plan = new SuitePlan(table, suite.where, catalog, ctx);
  const planned = new Map<number, Planned>();
  for (const it of items) {
    const problems = checkRefs(it.index, it.type, it.kwargs, table, catalog);
    if (problems.length) plan.problems.push(...problems);
    else planned.set(it.index, it.type.plan(it.kwargs, plan.plannerFor(it.index)));
  }
  const healthy = new Set([...planned.keys()].filter((i) => !plan.problems.some((p) => p.index === i)));
  const probe = await inPostgres(suite, 'checking the suite', () => probeSuite(q, plan, healthy));
  const hinted = (message: string) => withColumnHint(message, table.byName.keys());
  const issue = (p: Problem) =>
    suiteIssue(
      suite,
      `/expectations/${p.index}${p.path ? `/kwargs/${p.path}` : ''}`,
      `${items[p.index].config.type}: ${hinted(p.message)}`,
    );
  const issues = [
    ...(probe.whereError
      ? [
          suiteIssue(
            suite,
            '/where',
            `the suite's where does not work on ${table.schema}.${table.name}: ${hinted(probe.whereError)}`,
          ),
        ]
      : []),
    ...[...plan.problems, ...probe.problems].sort((a, b) => a.index - b.index).map(issue),
  ];
  if (issues.length) fail(issues);

  // The metrics, the other queries and the samples read one snapshot, so counts and samples agree.
  const results = await inSnapshot(wh, q, tally, async (qm) => {
    const values = new Map<Key, unknown>(probe.values);
    const aggregate = plan.aggregateSql();
    // One after another: they share the snapshot's one connection, which runs one query at a time anyway
    // (pg deprecates queueing several on a client).
    const [row, ...own] = await inPostgres(suite, 'validating', async () => {
      const out: [Record<string, unknown>, ...Array<Array<Record<string, unknown>>>] = [
        aggregate ? (await qm.query<Record<string, unknown>>(aggregate)).rows[0] : {},
      ];
      for (const x of plan.queries) out.push((await qm.query<Record<string, unknown>>(x.sql)).rows);
      return out;
    });
    for (const key of plan.aggregates.values()) values.set(key, row[key]);
    plan.queries.forEach((x, i) => values.set(x.key, x.scalar ? Object.values(own[i][0] ?? {})[0] : own[i]));
    const read = (key: Key) => values.get(key);

    const results: ExpectationResult[] = [];
    const maps: Array<{ index: number; plan: MapPlan; counts: MapCounts }> = [];
    for (const it of items) {
      const p = planned.get(it.index)!;
      const base = { index: it.index, type: it.config.type, severity: it.config.severity, kwargs: it.kwargs };
      if (p.kind === 'metric') results[it.index] = { ...base, ...p.evaluate(read) };
      else maps.push({ index: it.index, plan: p, counts: readMapCounts(p, read) });
    }
    const wanted = maps.filter((m) => needsFailingRows(m.plan, m.counts));
    const failing = await inPostgres(suite, 'fetching failing rows', () =>
      fetchFailingRows(
        qm,
        table,
        wanted.map((m) => ({
          id: m.index,
          columns: m.plan.columns,
          failingFrom: m.plan.failingFrom,
          count: !!m.plan.unexpectedIsLowerBound,
        })),
      ),
    );
    for (const m of maps) {
      const rows = failing.get(m.index);
      const counts = rows?.total !== undefined ? { ...m.counts, unexpectedCount: rows.total } : m.counts;
      const success = mapSuccess(m.plan, counts);
      const unexpectedPercent = percentOf(counts.unexpectedCount, counts.elementCount);
      const it = items[m.index];
      results[m.index] = {
        index: m.index,
        type: it.config.type,
        severity: it.config.severity,
        kwargs: it.kwargs,
        success,
        observed: unexpectedPercent,
        ...counts,
        unexpectedPercent,
        ...(!success && rows ? { sample: rows.sample, failingRowsSql: failingRowsSql(table, m.plan) } : {}),
        summary: mapSummary(m.plan, counts, success),
      };
    }
    return results;
  });

  const errors = results.filter((r) => !r.success && r.severity === 'error').length;
  const warnings = results.filter((r) => !r.success && r.severity === 'warn').length;
  return {
    suite: suite.name,
    table: `${table.schema}.${table.name}`,
    ...(suite.where !== undefined ? { where: suite.where } : {}),
    startedAt,
    ms: performance.now() - t0,
    success: errors === 0,
    errors,
    warnings,
    results,
    queries,
  };
}
