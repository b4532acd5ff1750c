/** How many distinct values a column holds, and what share of its rows are distinct or non-null. */
import type { ExpectationType, Kwargs, MetricPlan, Planner } from '../expectation';
import { checkBounds, columnName, countBound, describeBounds, flag, fmt, kwargsSchema, num } from './kwargs';

const proportion = { type: ['number', 'null'], minimum: 0, maximum: 1 } as const;

export function inBounds(v: number, k: Kwargs): boolean {
  const lo = k.min_value ?? null;
  const hi = k.max_value ?? null;
  if (lo !== null && (k.strict_min ? v <= lo : v < lo)) return false;
  if (hi !== null && (k.strict_max ? v >= hi : v > hi)) return false;
  return true;
}

interface Spec {
  readonly name: string;
  readonly description: string;
  readonly bounds: Record<string, unknown>;
  readonly onEmpty: string;
  /** Registers the metric; returns how to read it (null: undefined on this data). */
  readonly metric: (p: Planner, col: string) => (read: (k: string) => unknown) => number | null;
  readonly label: string;
  readonly show: (v: number) => string;
}

function cardinality(s: Spec): ExpectationType {
  return {
    name: s.name,
    group: 'Column aggregates',
    description: s.description,
    kwargs: kwargsSchema(
      { column: columnName, min_value: s.bounds, max_value: s.bounds, strict_min: flag, strict_max: flag },
      ['column'],
    ),
    check: (k) => checkBounds(k),
    refs: (k) => [{ kind: 'column', path: 'column', column: k.column }],
    onEmpty: s.onEmpty,
    plan(k, p): MetricPlan {
      const get = s.metric(p, p.col(k.column));
      const wanted = describeBounds(k.min_value, k.max_value, k.strict_min, k.strict_max);
      return {
        kind: 'metric',
        evaluate(read) {
          const v = get(read);
          if (v === null)
            return {
              success: false,
              observed: null,
              summary: `${s.label} of ${k.column} is undefined: no ${s.name.includes('non_null') ? 'rows' : 'non-null values'} (expected ${wanted})`,
            };
          const success = inBounds(v, k);
          return {
            success,
            observed: v,
            summary: `${s.label} of ${k.column} is ${s.show(v)}, ${success ? '' : 'not '}${wanted}`,
          };
        },
      };
    },
  };
}

const pct = (v: number) => `${fmt(Math.round(v * 1e6) / 1e6)} (${(v * 100).toFixed(2)} %)`;

export const CARDINALITY_TYPES: readonly ExpectationType[] = [
  cardinality({
    name: 'expect_column_unique_value_count_to_be_between',
    description: 'The number of distinct non-null values is between min_value and max_value.',
    bounds: countBound,
    onEmpty: 'judges 0 distinct values against the bounds',
    label: 'the number of distinct values',
    show: (v) => fmt(v),
    metric: (p, c) => {
      const d = p.agg(`count(DISTINCT ${c})`);
      return (read) => num(read(d)) ?? 0;
    },
  }),
  cardinality({
    name: 'expect_column_proportion_of_unique_values_to_be_between',
    description: 'Distinct non-null values divided by non-null values is between min_value and max_value (0–1).',
    bounds: proportion,
    onEmpty: 'fails: the proportion of no values is undefined (as GX)',
    label: 'the proportion of unique values',
    show: pct,
    metric: (p, c) => {
      const d = p.agg(`count(DISTINCT ${c})`);
      const n = p.agg(`count(${c})`);
      return (read) => {
        const nn = num(read(n)) ?? 0;
        return nn ? (num(read(d)) ?? 0) / nn : null;
      };
    },
  }),
  cardinality({
    // GX has no core expectation of this name; it reads like its siblings (GX's nearest is expect_column_values_to_not_be_null with mostly).
    name: 'expect_column_proportion_of_non_null_values_to_be_between',
    description:
      "Non-null values divided by rows is between min_value and max_value (0–1). Not a GX core name: Sluice's own, named like its siblings.",
    bounds: proportion,
    onEmpty: 'fails: the proportion of no rows is undefined',
    label: 'the proportion of non-null values',
    show: pct,
    metric: (p, c) => {
      const n = p.agg(`count(${c})`);
      const all = p.agg('count(*)');
      return (read) => {
        const total = num(read(all)) ?? 0;
        return total ? (num(read(n)) ?? 0) / total : null;
      };
    },
  }),
];
