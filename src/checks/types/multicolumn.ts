/** Map expectations over several columns of a row: pairs compared, a row's columns summed. */
import type { ExpectationType, Kwargs, MapPlan, Planner } from '../expectation';
import { columnList, columnName, flag, kwargsSchema, mostly } from './kwargs';
import { consideredRows, ignoredPhrase, ROWS_ON_EMPTY } from './uniqueness';

const PAIR_IGNORE = { enum: ['both_values_are_missing', 'either_value_is_missing', 'neither'] } as const;

function multiMap(
  k: Kwargs,
  p: Planner,
  columns: readonly string[],
  ignore: string,
  bad: string,
  fails: string,
  what: string,
): MapPlan {
  const considered = consideredRows(
    columns.map((c) => p.col(c)),
    ignore,
  );
  const failing = `${considered} AND (${bad})`;
  return {
    kind: 'map',
    elementCount: p.agg(`count(*) FILTER (WHERE ${considered})`),
    unexpectedCount: p.agg(`count(*) FILTER (WHERE ${failing})`),
    nullCount: p.agg(`count(*) FILTER (WHERE NOT (${considered}))`),
    mostly: k.mostly,
    columns,
    failingFrom: p.from(failing),
    unit: 'rows',
    fails,
    nulls: (n) => ignoredPhrase(ignore, n, what),
  };
}

function pair(
  name: string,
  description: string,
  extra: Record<string, unknown>,
  op: (k: Kwargs) => string,
  fails: (k: Kwargs) => string,
): ExpectationType {
  return {
    name,
    group: 'Multiple columns',
    description,
    kwargs: kwargsSchema({ column_A: columnName, column_B: columnName, ...extra, ignore_row_if: PAIR_IGNORE, mostly }, [
      'column_A',
      'column_B',
    ]),
    refs: (k) => [
      { kind: 'column', path: 'column_A', column: k.column_A },
      { kind: 'column', path: 'column_B', column: k.column_B },
    ],
    onEmpty: ROWS_ON_EMPTY,
    plan: (k, p) =>
      multiMap(
        k,
        p,
        [k.column_A, k.column_B],
        k.ignore_row_if ?? 'both_values_are_missing',
        // A comparison with one value missing is unknown: the row fails unless ignore_row_if skips it.
        `(${p.col(k.column_A)} ${op(k)} ${p.col(k.column_B)}) IS NOT TRUE`,
        fails(k),
        'both values',
      ),
  };
}

const sum: ExpectationType = {
  name: 'expect_multicolumn_sum_to_equal',
  group: 'Multiple columns',
  description: 'In every row, the columns of column_list add up to sum_total (a null counts as 0).',
  kwargs: kwargsSchema(
    {
      column_list: columnList,
      sum_total: { type: 'number' },
      ignore_row_if: { enum: ['all_values_are_missing', 'any_value_is_missing', 'never'] },
      mostly,
    },
    ['column_list', 'sum_total'],
  ),
  refs: (k) =>
    (k.column_list as string[]).map((column, i) => ({
      kind: 'column',
      path: `column_list/${i}`,
      column,
      need: 'numeric',
    })),
  onEmpty: ROWS_ON_EMPTY,
  plan(k, p) {
    const total = (k.column_list as string[]).map((c) => `coalesce(${p.col(c)}, 0)`).join(' + ');
    return multiMap(
      k,
      p,
      k.column_list,
      k.ignore_row_if ?? 'all_values_are_missing',
      `(${total}) <> ${Number(k.sum_total)}`,
      `do not add up to ${k.sum_total}`,
      'all values',
    );
  },
};

export const MULTICOLUMN_TYPES: readonly ExpectationType[] = [
  pair(
    'expect_column_pair_values_a_to_be_greater_than_b',
    'In every row, column_A > column_B (>= with or_equal).',
    { or_equal: flag },
    (k) => (k.or_equal ? '>=' : '>'),
    (k) => `have ${k.column_A} not ${k.or_equal ? '>=' : '>'} ${k.column_B}`,
  ),
  pair(
    'expect_column_pair_values_to_be_equal',
    'In every row, column_A = column_B.',
    {},
    () => '=',
    (k) => `have ${k.column_A} <> ${k.column_B}`,
  ),
  sum,
];
