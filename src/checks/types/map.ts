/**
 * Column map expectations (one judgement per row) over a single column: GX's shape, with nulls left
 * out of the count (the null types aside), `mostly`, and the failing rows as SQL.
 */
import type { ExpectationType, KwargProblem, Kwargs, MapPlan, Planner, Ref } from '../expectation';
import { columnName, kwargsSchema, mostly } from './kwargs';

export const NULLS_EXCLUDED = (n: number) =>
  `${n.toLocaleString('en-US')} null${n === 1 ? '' : 's'} not counted (nulls are left out, as in GX)`;
export const MAP_ON_EMPTY = 'passes: no non-null values, nothing unexpected (as GX)';

export interface ColumnMapSpec {
  readonly name: string;
  readonly group?: string;
  readonly description: string;
  /** kwargs besides column and mostly. */
  readonly properties?: Record<string, unknown>;
  readonly required?: readonly string[];
  readonly check?: (k: Kwargs) => KwargProblem[];
  readonly need?: 'numeric' | 'datetime';
  /** SQL true when a non-null value of `col` is unexpected. */
  readonly unexpected: (k: Kwargs, p: Planner, col: string) => string;
  /** "are not in the set" */
  readonly fails: (k: Kwargs) => string;
}

export function columnMap(spec: ColumnMapSpec): ExpectationType {
  return {
    name: spec.name,
    group: spec.group ?? 'Column values',
    description: spec.description,
    kwargs: kwargsSchema({ column: columnName, ...spec.properties, mostly }, ['column', ...(spec.required ?? [])]),
    check: spec.check,
    refs: (k): Ref[] => [{ kind: 'column', path: 'column', column: k.column, need: spec.need }],
    onEmpty: MAP_ON_EMPTY,
    plan(k, p): MapPlan {
      const c = p.col(k.column);
      const bad = `${c} IS NOT NULL AND (${spec.unexpected(k, p, c)})`;
      return {
        kind: 'map',
        elementCount: p.agg(`count(${c})`),
        unexpectedCount: p.agg(`count(*) FILTER (WHERE ${bad})`),
        nullCount: p.agg(`count(*) - count(${c})`),
        mostly: k.mostly,
        columns: [k.column],
        failingFrom: p.from(bad),
        unit: 'non-null values',
        fails: spec.fails(k),
        nulls: NULLS_EXCLUDED,
      };
    },
  };
}

/** The column as text (regex, LIKE, lengths work on any type's text form). */
export function textOf(p: Planner, column: string): string {
  const c = p.col(column);
  return p.table.byName.get(column)?.category === 'S' ? c : `${c}::text`;
}

/** `col IN (…)` with each value a literal Postgres coerces to the column's type; `false` for an empty set. */
export function inSet(p: Planner, col: string, column: string, values: readonly unknown[], path: string): string {
  if (!values.length) return 'false';
  return `${col} IN (${values.map((v, i) => p.lit(v, `${path}/${i}`, column)).join(', ')})`;
}
