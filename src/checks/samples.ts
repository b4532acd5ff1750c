/**
 * Failing rows of failing map expectations: the SQL returning all of them (ordered by the table's
 * key), and up to 20 of them with the key columns, fetched for every failing expectation in ONE
 * query (a UNION ALL of LIMIT 20 branches, each stopping at its 20th row). Uniqueness branches also
 * count every failing row, which is its exact unexpected count.
 */
import { quoteIdent, quoteLiteral } from '../db/quote';
import type { Queryable } from '../db/queryable';
import type { TableInfo } from './catalog';

export const SAMPLE_SIZE = 20;

export interface FailingRowsSpec {
  readonly id: number;
  readonly columns: readonly string[];
  readonly failingFrom: string;
  readonly count: boolean;
}

/** The table's primary key, else nothing: the columns themselves identify the rows shown. */
export function shownColumns(table: TableInfo, columns: readonly string[]): string[] {
  return [...new Set([...table.key, ...columns])];
}

export function failingRowsSql(table: TableInfo, spec: Pick<FailingRowsSpec, 'columns' | 'failingFrom'>): string {
  const shown = shownColumns(table, spec.columns).map(quoteIdent);
  const order = table.key.length ? ` ORDER BY ${table.key.map(quoteIdent).join(', ')}` : '';
  return `SELECT ${shown.join(', ')} ${spec.failingFrom}${order}`;
}

export interface FailingRows {
  readonly sample: Array<Record<string, unknown>>;
  /** Every failing row counted (for specs with count). */
  readonly total?: number;
}

export async function fetchFailingRows(
  q: Queryable,
  table: TableInfo,
  specs: readonly FailingRowsSpec[],
): Promise<Map<number, FailingRows>> {
  const out = new Map<number, FailingRows>(specs.map((s) => [s.id, { sample: [] }]));
  if (!specs.length) return out;
  const branches = specs.map((s) => {
    const shown = shownColumns(table, s.columns);
    const row = `json_build_object(${shown.map((c) => `${quoteLiteral(c)}, ${quoteIdent(c)}`).join(', ')})`;
    return `(SELECT ${s.id} AS i, ${s.count ? 'count(*) OVER ()' : 'NULL::bigint'} AS n, ${row} AS r ${s.failingFrom} LIMIT ${SAMPLE_SIZE})`;
  });
  const { rows } = await q.query<{ i: number; n: string | null; r: Record<string, unknown> }>(
    branches.join('\nUNION ALL\n'),
  );
  for (const r of rows) {
    const f = out.get(r.i)!;
    f.sample.push(r.r);
    if (r.n !== null) out.set(r.i, { sample: f.sample, total: Number(r.n) });
  }
  return out;
}
