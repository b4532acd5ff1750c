/**
 * Everything a suite would send, checked in Postgres before anything reads a row: the where, every
 * literal cast to its column's type, every regex compiled, every type name resolved, and the batched
 * query and the other queries parsed and planned (wrapped in LIMIT 0, so nothing is scanned). One
 * query when all is well; when it fails, each piece alone, so every problem is named.
 */
import { isTransientDbError } from '../db/transient-errors';
import type { Queryable } from '../db/queryable';
import type { Key } from './expectation';
import type { Problem, SuitePlan } from './plan';

export interface ProbeResult {
  /** Values of probes with a key (resolved type names). */
  readonly values: ReadonlyMap<Key, unknown>;
  readonly problems: readonly Problem[];
  readonly whereError?: string;
}

const unscanned = (sql: string) => `(SELECT 1 FROM (${sql}) AS probe LIMIT 0)`;

async function attempt(q: Queryable, sql: string): Promise<string | undefined> {
  try {
    await q.query(sql);
    return undefined;
  } catch (e) {
    return problemOf(e);
  }
}

/** The message of an error about the query; an error about the connection is no finding: it is thrown on. */
function problemOf(e: unknown): string {
  if (isTransientDbError(e)) throw e;
  return (e as Error).message;
}

/** Probes the expectations in `healthy` (the others already have problems). */
export async function probeSuite(q: Queryable, plan: SuitePlan, healthy: ReadonlySet<number>): Promise<ProbeResult> {
  const probes = plan.probes.filter((p) => healthy.has(p.index));
  const aggs = [...healthy].flatMap((i) => plan.aggregatesOf.get(i) ?? []);
  const aggregate = aggs.length ? plan.aggregateSql(aggs) : undefined;
  const queries = plan.queries.filter((x) => healthy.has(x.index));
  const statements = [
    ...(plan.where ? [`SELECT 1 ${plan.from()}`] : []),
    ...(aggregate ? [aggregate] : []),
    ...queries.map((x) => x.sql),
  ];
  const values = new Map<Key, unknown>();
  const problems: Problem[] = [];
  const read = (got: readonly unknown[]) =>
    probes.forEach((p, i) => {
      if (!p.key) return;
      values.set(p.key, got[i]);
      if (got[i] === null && p.nullMessage) problems.push({ index: p.index, path: p.path, message: p.nullMessage });
    });
  if (!probes.length && !statements.length) return { values, problems };

  // Values as one text array (each distinct probe once): no limit on columns, whatever the value sets hold.
  const distinct = [...new Set(probes.map((p) => p.sql))];
  const list = [
    distinct.length ? `ARRAY[${distinct.map((sql) => `(${sql})::text`).join(', ')}] AS v` : 'NULL AS v',
    ...statements.map((s, i) => `${unscanned(s)} AS s${i}`),
  ];
  try {
    const { rows } = await q.query<{ v: unknown[] | null }>(`SELECT ${list.join(', ')}`);
    const v = rows[0].v ?? [];
    read(probes.map((p) => v[distinct.indexOf(p.sql)]));
    return { values, problems };
  } catch (e) {
    problemOf(e); // attributed below, piece by piece, unless the connection is gone
  }

  const whereError = plan.where ? await attempt(q, `SELECT 1 ${plan.from()} LIMIT 0`) : undefined;
  const failed = new Set<number>();
  const got: unknown[] = [];
  for (const p of probes) {
    try {
      got.push((await q.query<{ v: unknown }>(`SELECT (${p.sql})::text AS v`)).rows[0].v);
    } catch (e) {
      const message = problemOf(e);
      got.push(undefined);
      failed.add(p.index);
      problems.push({ index: p.index, path: p.path, message });
    }
  }
  read(got);
  if (!whereError) {
    for (const i of healthy) {
      if (failed.has(i)) continue;
      const own = plan.aggregatesOf.get(i) ?? [];
      const mine = [
        ...(own.length ? [{ sql: plan.aggregateSql(own)!, path: '' }] : []),
        ...queries.filter((x) => x.index === i),
      ];
      for (const { sql, path } of mine) {
        const err = await attempt(q, `SELECT ${unscanned(sql)}`);
        if (err) {
          problems.push({ index: i, path, message: err });
          break;
        }
      }
    }
  }
  return { values, problems, whereError };
}
