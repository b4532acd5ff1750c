/** Column values: nulls, ranges and sets. */
import type { ExpectationType, Kwargs, MapPlan, Planner } from '../expectation';
import {
  betweenSql,
  bound,
  checkBounds,
  columnName,
  describeBounds,
  flag,
  kwargsSchema,
  mostly,
  valueSet,
} from './kwargs';
import { columnMap, inSet } from './map';

/** The null types count every row: nulls are what they judge. */
function nullType(name: string, wantNull: boolean): ExpectationType {
  return {
    name,
    group: 'Column values',
    description: wantNull ? 'Every value is null.' : 'No value is null.',
    kwargs: kwargsSchema({ column: columnName, mostly }, ['column']),
    refs: (k) => [{ kind: 'column', path: 'column', column: k.column }],
    onEmpty: 'passes: no rows, nothing unexpected (as GX)',
    plan(k: Kwargs, p: Planner): MapPlan {
      const c = p.col(k.column);
      const nulls = p.agg(`count(*) - count(${c})`);
      return {
        kind: 'map',
        elementCount: p.agg('count(*)'),
        unexpectedCount: wantNull ? p.agg(`count(${c})`) : nulls,
        nullCount: nulls,
        mostly: k.mostly,
        columns: [k.column],
        failingFrom: p.from(`${c} IS ${wantNull ? 'NOT ' : ''}NULL`),
        unit: 'rows',
        fails: wantNull ? 'are not null' : 'are null',
        nulls: () => 'every row counts, nulls included',
      };
    },
  };
}

const between = columnMap({
  name: 'expect_column_values_to_be_between',
  description:
    'Every value is between min_value and max_value (inclusive unless strict_min / strict_max); numbers, or strings cast to the column type (dates).',
  properties: { min_value: bound, max_value: bound, strict_min: flag, strict_max: flag },
  check: (k) => checkBounds(k),
  unexpected(k, p, c) {
    const lo = k.min_value ?? undefined;
    const hi = k.max_value ?? undefined;
    const ok = betweenSql(
      c,
      lo === undefined ? undefined : p.lit(lo, 'min_value', k.column),
      hi === undefined ? undefined : p.lit(hi, 'max_value', k.column),
      k.strict_min,
      k.strict_max,
    );
    return `NOT (${ok})`;
  },
  fails: (k) => `are not ${describeBounds(k.min_value, k.max_value, k.strict_min, k.strict_max)}`,
});

const inSetType = columnMap({
  name: 'expect_column_values_to_be_in_set',
  description: 'Every value is one of value_set.',
  properties: { value_set: valueSet },
  required: ['value_set'],
  unexpected: (k, p, c) => `NOT (${inSet(p, c, k.column, k.value_set, 'value_set')})`,
  fails: () => 'are not in the set',
});

const notInSet = columnMap({
  name: 'expect_column_values_to_not_be_in_set',
  description: 'No value is one of value_set.',
  properties: { value_set: valueSet },
  required: ['value_set'],
  unexpected: (k, p, c) => inSet(p, c, k.column, k.value_set, 'value_set'),
  fails: () => 'are in the forbidden set',
});

export const COLUMN_VALUE_TYPES: readonly ExpectationType[] = [
  nullType('expect_column_values_to_not_be_null', false),
  nullType('expect_column_values_to_be_null', true),
  between,
  inSetType,
  notInSet,
];
