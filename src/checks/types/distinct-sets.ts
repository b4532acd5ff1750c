/**
 * The set of distinct values of a column against value_set. Computed in the batched query: values
 * outside the set with array_agg(DISTINCT …) FILTER, members present with one bool_or each; the most
 * common value needs a GROUP BY of its own.
 */
import type { ExpectationType, Kwargs, MetricPlan, Planner } from '../expectation';
import { columnName, flag, fmt, kwargsSchema, valueSet } from './kwargs';
import { inSet } from './map';

const SHOW = 20;
const list = (vs: readonly unknown[]) =>
  vs.slice(0, SHOW).map(fmt).join(', ') + (vs.length > SHOW ? `, … (${vs.length} in all)` : '');
const uniq = (vs: readonly unknown[]) => [...new Map(vs.map((v) => [JSON.stringify(v), v])).values()];

/** A value as it comes back in results: numbers as numbers, booleans as booleans, anything else as Postgres' text. */
export function asShown(p: Planner, column: string, c: string): string {
  const category = p.table.byName.get(column)?.category;
  return category === 'N' ? `${c}::float8` : category === 'B' ? c : `${c}::text`;
}

/** Distinct non-null values outside the set, sorted. */
function extras(k: Kwargs, p: Planner): (read: (key: string) => unknown) => unknown[] {
  const c = p.col(k.column);
  const key = p.agg(
    `array_agg(DISTINCT ${asShown(p, k.column, c)}) FILTER (WHERE ${c} IS NOT NULL AND NOT (${inSet(p, c, k.column, k.value_set, 'value_set')}))`,
  );
  return (read) => (read(key) as unknown[] | null) ?? [];
}

/** Members of the set no row holds. */
function missing(k: Kwargs, p: Planner): (read: (key: string) => unknown) => unknown[] {
  const c = p.col(k.column);
  const members = uniq(k.value_set);
  const keys = members.map((v) =>
    p.agg(
      `coalesce(bool_or(${c} = ${p.lit(v, `value_set/${(k.value_set as unknown[]).indexOf(v)}`, k.column)}), false)`,
    ),
  );
  return (read) => members.filter((_, i) => read(keys[i]) !== true);
}

function setType(
  name: string,
  description: string,
  onEmpty: string,
  plan: (k: Kwargs, p: Planner) => MetricPlan,
): ExpectationType {
  return {
    name,
    group: 'Distinct values',
    description,
    onEmpty,
    kwargs: kwargsSchema({ column: columnName, value_set: valueSet }, ['column', 'value_set']),
    refs: (k) => [{ kind: 'column', path: 'column', column: k.column }],
    plan,
  };
}

const inSetType = setType(
  'expect_column_distinct_values_to_be_in_set',
  'Every distinct non-null value is in value_set.',
  'passes: no values, none outside the set (as GX)',
  (k, p) => {
    const out = extras(k, p);
    return {
      kind: 'metric',
      evaluate(read) {
        const e = out(read);
        return {
          success: !e.length,
          observed: e,
          summary: e.length
            ? `${e.length} distinct value${e.length === 1 ? ' is' : 's are'} not in the set: ${list(e)}`
            : `every distinct value of ${k.column} is in the set`,
        };
      },
    };
  },
);

const containType = setType(
  'expect_column_distinct_values_to_contain_set',
  'Every member of value_set occurs in the column.',
  'fails unless value_set is empty: no value occurs',
  (k, p) => {
    const gone = missing(k, p);
    return {
      kind: 'metric',
      evaluate(read) {
        const m = gone(read);
        return {
          success: !m.length,
          observed: m,
          summary: m.length
            ? `${m.length} member${m.length === 1 ? ' of the set does' : 's of the set do'} not occur in ${k.column}: ${list(m)}`
            : `${k.column} holds every member of the set`,
        };
      },
    };
  },
);

const equalType = setType(
  'expect_column_distinct_values_to_equal_set',
  'The distinct non-null values are exactly value_set.',
  'fails unless value_set is empty',
  (k, p) => {
    const out = extras(k, p);
    const gone = missing(k, p);
    return {
      kind: 'metric',
      evaluate(read) {
        const e = out(read);
        const m = gone(read);
        const parts = [
          e.length ? `not in the set: ${list(e)}` : '',
          m.length ? `missing from the column: ${list(m)}` : '',
        ].filter(Boolean);
        return {
          success: !parts.length,
          observed: { extra: e, missing: m },
          summary: parts.length
            ? `distinct values of ${k.column} differ from the set: ${parts.join('; ')}`
            : `the distinct values of ${k.column} are the set`,
        };
      },
    };
  },
);

const mostCommon: ExpectationType = {
  name: 'expect_column_most_common_value_to_be_in_set',
  group: 'Distinct values',
  description:
    'The most common non-null value is in value_set; with ties, all tied values must be (any one, with ties_okay).',
  kwargs: kwargsSchema({ column: columnName, value_set: valueSet, ties_okay: flag }, ['column', 'value_set']),
  refs: (k) => [{ kind: 'column', path: 'column', column: k.column }],
  onEmpty: 'fails: no values, no most common value',
  plan(k, p): MetricPlan {
    const c = p.col(k.column);
    const q = p.rows(
      `SELECT value, n, in_set FROM (SELECT ${asShown(p, k.column, c)} AS value, count(*) AS n, (${inSet(p, c, k.column, k.value_set, 'value_set')}) AS in_set, ` +
        `rank() OVER (ORDER BY count(*) DESC) AS r ${p.from(`${c} IS NOT NULL`)} GROUP BY ${c}) AS m WHERE r = 1 ORDER BY value`,
    );
    return {
      kind: 'metric',
      evaluate(read) {
        const modes = read(q) as Array<{ value: unknown; n: string; in_set: boolean }>;
        if (!modes.length)
          return { success: false, observed: [], summary: `no non-null values in ${k.column}: no most common value` };
        const inside = modes.filter((m) => m.in_set).length;
        const success = k.ties_okay ? inside > 0 : inside === modes.length;
        const what =
          modes.length === 1
            ? `the most common value is ${fmt(modes[0].value)}`
            : `${modes.length} values tie as most common (${list(modes.map((m) => m.value))})`;
        return {
          success,
          observed: modes.map((m) => m.value),
          summary: `${what} (${Number(modes[0].n).toLocaleString('en-US')} rows), ${success ? '' : 'not '}in the set`,
        };
      },
    };
  },
};

export const DISTINCT_SET_TYPES: readonly ExpectationType[] = [inSetType, containType, equalType, mostCommon];
