/**
 * Column aggregates judged against bounds: mean, median, min, max, sum, standard deviation,
 * quantiles. Bounds are compared in SQL, so dates and timestamps work for min, max and quantiles.
 */
import type { ExpectationType, Kwargs, MetricPlan, Planner } from '../expectation';
import {
  betweenSql,
  bound,
  checkBounds,
  columnName,
  describeBounds,
  flag,
  fmt,
  kwargsSchema,
  numberBound,
} from './kwargs';

const NO_VALUES = 'fails: the aggregate of no values is null (as GX)';

/** How an aggregate comes back for the result: numbers as numbers, anything else as Postgres' text. */
function observedSql(p: Planner, column: string, expr: string, array = false): string {
  const numeric = p.table.byName.get(column)?.category === 'N';
  return `(${expr})::${numeric ? 'float8' : 'text'}${array ? '[]' : ''}`;
}

interface StatSpec {
  readonly name: string;
  readonly label: string;
  readonly sql: (col: string) => string;
  readonly numeric: boolean;
  readonly extra?: string;
}

function statBetween(s: StatSpec): ExpectationType {
  return {
    name: s.name,
    group: 'Column aggregates',
    description: `The column's ${s.label} is between min_value and max_value (inclusive unless strict_min / strict_max)${s.extra ?? ''}.`,
    kwargs: kwargsSchema(
      {
        column: columnName,
        min_value: s.numeric ? numberBound : bound,
        max_value: s.numeric ? numberBound : bound,
        strict_min: flag,
        strict_max: flag,
      },
      ['column'],
    ),
    check: (k) => checkBounds(k),
    refs: (k) => [{ kind: 'column', path: 'column', column: k.column, need: s.numeric ? 'numeric' : undefined }],
    onEmpty: NO_VALUES,
    plan(k: Kwargs, p: Planner): MetricPlan {
      const expr = s.sql(p.col(k.column));
      const lit = (v: unknown, path: string) => (v === null || v === undefined ? undefined : p.lit(v, path, k.column));
      const ok = p.agg(
        `(${betweenSql(expr, lit(k.min_value, 'min_value'), lit(k.max_value, 'max_value'), k.strict_min, k.strict_max)})`,
      );
      const value = p.agg(observedSql(p, k.column, expr));
      const wanted = describeBounds(k.min_value, k.max_value, k.strict_min, k.strict_max);
      return {
        kind: 'metric',
        evaluate(read) {
          const v = read(value);
          if (v === null)
            return {
              success: false,
              observed: null,
              summary: `no non-null values in ${k.column}: the ${s.label} is undefined (expected ${wanted})`,
            };
          const success = read(ok) === true;
          return {
            success,
            observed: v,
            summary: `${s.label} of ${k.column} is ${fmt(v)}, ${success ? '' : 'not '}${wanted}`,
          };
        },
      };
    },
  };
}

const quantileRanges = {
  type: 'object',
  required: ['quantiles', 'value_ranges'],
  additionalProperties: false,
  properties: {
    quantiles: { type: 'array', minItems: 1, items: { type: 'number', minimum: 0, maximum: 1 } },
    value_ranges: { type: 'array', items: { type: 'array', minItems: 2, maxItems: 2, items: bound } },
  },
} as const;

const quantiles: ExpectationType = {
  name: 'expect_column_quantile_values_to_be_between',
  group: 'Column aggregates',
  description:
    'Each quantile (percentile_disc, exact) of the column is within its [min, max] range (null: open); allow_relative_error is accepted and ignored.',
  kwargs: kwargsSchema(
    {
      column: columnName,
      quantile_ranges: quantileRanges,
      allow_relative_error: { type: ['boolean', 'number', 'string'] },
    },
    ['column', 'quantile_ranges'],
  ),
  check: (k) =>
    k.quantile_ranges?.quantiles?.length !== k.quantile_ranges?.value_ranges?.length
      ? [{ path: 'quantile_ranges/value_ranges', message: 'needs one [min, max] range per quantile' }]
      : [],
  refs: (k) => [{ kind: 'column', path: 'column', column: k.column }],
  onEmpty: NO_VALUES,
  plan(k, p): MetricPlan {
    const qs: number[] = k.quantile_ranges.quantiles;
    const ranges: unknown[][] = k.quantile_ranges.value_ranges;
    const expr = `percentile_disc(ARRAY[${qs.map((q) => Number(q)).join(', ')}]::float8[]) WITHIN GROUP (ORDER BY ${p.col(k.column)})`;
    const lit = (v: unknown, path: string) => (v === null ? undefined : p.lit(v, path, k.column));
    const oks = ranges.map(([lo, hi], i) =>
      p.agg(
        `(${betweenSql(
          `(${expr})[${i + 1}]`,
          lit(lo, `quantile_ranges/value_ranges/${i}/0`),
          lit(hi, `quantile_ranges/value_ranges/${i}/1`),
        )})`,
      ),
    );
    const values = p.agg(observedSql(p, k.column, expr, true));
    return {
      kind: 'metric',
      evaluate(read) {
        const vs = read(values) as unknown[] | null;
        if (vs === null)
          return {
            success: false,
            observed: null,
            summary: `no non-null values in ${k.column}: quantiles are undefined`,
          };
        const bad = oks.map((key, i) => (read(key) === true ? -1 : i)).filter((i) => i >= 0);
        const observed = { quantiles: qs, values: vs };
        const summary = bad.length
          ? bad
              .map(
                (i) =>
                  `quantile ${qs[i]} of ${k.column} is ${fmt(vs[i])}, not ${describeBounds(ranges[i][0], ranges[i][1])}`,
              )
              .join('; ')
          : `all ${qs.length} quantiles of ${k.column} are within their ranges`;
        return { success: bad.length === 0, observed, summary };
      },
    };
  },
};

export const COLUMN_STAT_TYPES: readonly ExpectationType[] = [
  statBetween({ name: 'expect_column_mean_to_be_between', label: 'mean', sql: (c) => `avg(${c})`, numeric: true }),
  statBetween({
    name: 'expect_column_median_to_be_between',
    label: 'median',
    sql: (c) => `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${c})`,
    numeric: true,
    extra: '; percentile_cont: the mean of the two middle values when their count is even',
  }),
  statBetween({ name: 'expect_column_min_to_be_between', label: 'minimum', sql: (c) => `min(${c})`, numeric: false }),
  statBetween({ name: 'expect_column_max_to_be_between', label: 'maximum', sql: (c) => `max(${c})`, numeric: false }),
  statBetween({ name: 'expect_column_sum_to_be_between', label: 'sum', sql: (c) => `sum(${c})`, numeric: true }),
  statBetween({
    name: 'expect_column_stdev_to_be_between',
    label: 'standard deviation',
    sql: (c) => `stddev_samp(${c})`,
    numeric: true,
    extra: '; the sample standard deviation, as GX, undefined for fewer than two values',
  }),
  quantiles,
];
