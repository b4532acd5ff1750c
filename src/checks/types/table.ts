/** The table as a whole: its row count (in the batched query) and its columns (from the catalog). */
import type { ExpectationType, Kwargs, MetricPlan } from '../expectation';
import { checkBounds, columnList, columnName, countBound, describeBounds, fmt, kwargsSchema, num } from './kwargs';
import { inBounds } from './cardinality';

const count = { type: 'integer', minimum: 0 } as const;
const TABLE = 'Table';
const plural = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

function catalogOnly(
  evaluate: (k: Kwargs, columns: string[]) => { success: boolean; observed: unknown; summary: string },
) {
  return (k: Kwargs, p: { table: { columns: ReadonlyArray<{ name: string }> } }): MetricPlan => {
    const columns = p.table.columns.map((c) => c.name);
    return { kind: 'metric', evaluate: () => evaluate(k, columns) };
  };
}

function rowCount(
  name: string,
  description: string,
  kwargs: Record<string, unknown>,
  required: string[],
  judge: (n: number, k: Kwargs) => [boolean, string],
  check?: ExpectationType['check'],
): ExpectationType {
  return {
    name,
    group: TABLE,
    description,
    check,
    kwargs: kwargsSchema(kwargs, required),
    refs: () => [],
    onEmpty: 'judges 0 rows',
    plan(k, p) {
      const n = p.agg('count(*)');
      return {
        kind: 'metric',
        evaluate(read) {
          const rows = num(read(n)) ?? 0;
          const [success, wanted] = judge(rows, k);
          return { success, observed: rows, summary: `${plural(rows, 'row')}, ${success ? '' : 'not '}${wanted}` };
        },
      };
    },
  };
}

const otherCount: ExpectationType = {
  name: 'expect_table_row_count_to_equal_other_table',
  group: TABLE,
  description:
    "The row count equals that of other_table_name (the whole other table; the suite's where applies to this one).",
  kwargs: kwargsSchema({ other_table_name: { type: 'string', minLength: 1 } }, ['other_table_name']),
  refs: (k) => [{ kind: 'table', path: 'other_table_name', table: k.other_table_name }],
  onEmpty: 'judges 0 rows',
  plan(k, p) {
    const n = p.agg('count(*)');
    const other = p.agg(`(SELECT count(*) FROM ${p.other(k.other_table_name).sql})`);
    return {
      kind: 'metric',
      evaluate(read) {
        const [a, b] = [num(read(n)) ?? 0, num(read(other)) ?? 0];
        return {
          success: a === b,
          observed: a,
          summary: `${plural(a, 'row')}; ${k.other_table_name} has ${plural(b, 'row')}`,
        };
      },
    };
  },
};

export const TABLE_TYPES: readonly ExpectationType[] = [
  rowCount(
    'expect_table_row_count_to_be_between',
    'The number of rows is between min_value and max_value (inclusive).',
    { min_value: countBound, max_value: countBound },
    [],
    (n, k) => [inBounds(n, k), describeBounds(k.min_value, k.max_value)],
    (k) => checkBounds(k),
  ),
  rowCount('expect_table_row_count_to_equal', 'The number of rows is value.', { value: count }, ['value'], (n, k) => [
    n === k.value,
    `exactly ${fmt(k.value)}`,
  ]),
  otherCount,
  {
    name: 'expect_table_columns_to_match_ordered_list',
    group: TABLE,
    onEmpty: 'independent of rows',
    description: "The table's columns are column_list, in this order.",
    kwargs: kwargsSchema({ column_list: columnList }, ['column_list']),
    refs: () => [],
    plan: catalogOnly((k, cols) => {
      const want: string[] = k.column_list;
      const at = Array.from({ length: Math.max(want.length, cols.length) }, (_, i) => i).find(
        (i) => want[i] !== cols[i],
      );
      return {
        success: at === undefined,
        observed: cols,
        summary:
          at === undefined
            ? `columns are ${cols.join(', ')}`
            : `column ${at + 1} is ${cols[at] ?? '(none)'}, expected ${want[at] ?? '(none)'}; columns are ${cols.join(', ')}`,
      };
    }),
  },
  {
    name: 'expect_table_columns_to_match_set',
    group: TABLE,
    onEmpty: 'independent of rows',
    description: "The table's columns are column_set in any order (with exact_match false: it has at least these).",
    kwargs: kwargsSchema({ column_set: columnList, exact_match: { type: 'boolean' } }, ['column_set']),
    refs: () => [],
    plan: catalogOnly((k, cols) => {
      const want = new Set<string>(k.column_set);
      const missing = [...want].filter((c) => !cols.includes(c));
      const extra = k.exact_match === false ? [] : cols.filter((c) => !want.has(c));
      const parts = [
        missing.length ? `missing ${missing.join(', ')}` : '',
        extra.length ? `unexpected ${extra.join(', ')}` : '',
      ].filter(Boolean);
      return {
        success: !parts.length,
        observed: cols,
        summary: parts.length ? `columns differ: ${parts.join('; ')}` : `columns match the set (${cols.length})`,
      };
    }),
  },
  {
    name: 'expect_table_column_count_to_equal',
    group: TABLE,
    onEmpty: 'independent of rows',
    description: 'The table has value columns.',
    kwargs: kwargsSchema({ value: count }, ['value']),
    refs: () => [],
    plan: catalogOnly((k, cols) => ({
      success: cols.length === k.value,
      observed: cols.length,
      summary: `${plural(cols.length, 'column')}, expected ${k.value}`,
    })),
  },
  {
    name: 'expect_table_column_count_to_be_between',
    group: TABLE,
    onEmpty: 'independent of rows',
    description: 'The number of columns is between min_value and max_value.',
    kwargs: kwargsSchema({ min_value: countBound, max_value: countBound }),
    check: (k) => checkBounds(k),
    refs: () => [],
    plan: catalogOnly((k, cols) => {
      const success = inBounds(cols.length, k);
      return {
        success,
        observed: cols.length,
        summary: `${plural(cols.length, 'column')}, ${success ? '' : 'not '}${describeBounds(k.min_value, k.max_value)}`,
      };
    }),
  },
  {
    name: 'expect_column_to_exist',
    group: TABLE,
    onEmpty: 'independent of rows',
    description: 'The column exists (at column_index, counted from 0, when given).',
    kwargs: kwargsSchema({ column: columnName, column_index: { type: ['integer', 'null'], minimum: 0 } }, ['column']),
    refs: () => [], // its column missing is a failure, not an error
    plan: catalogOnly((k, cols) => {
      const at = cols.indexOf(k.column);
      const success = at >= 0 && (k.column_index == null || k.column_index === at);
      const summary =
        at < 0
          ? `no column ${k.column}`
          : k.column_index == null || success
            ? `column ${k.column} exists${k.column_index == null ? '' : ` at index ${at}`}`
            : `column ${k.column} is at index ${at}, not ${k.column_index}`;
      return { success, observed: at < 0 ? null : at, summary };
    }),
  },
];
