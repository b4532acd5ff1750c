/**
 * Uniqueness of a column or of a combination of columns. The batched query knows the distinct count
 * (count(DISTINCT …)), which says whether there are duplicates at all; when there are, the exact
 * count of rows holding a duplicated value (GX's unexpected_count) comes with the sample rows.
 */
import type { ExpectationType, MapPlan } from '../expectation';
import { columnList, columnName, kwargsSchema, mostly } from './kwargs';
import { MAP_ON_EMPTY, NULLS_EXCLUDED } from './map';

const DUP = '__sluice_dups';

/** Rows of `from` whose `partition` occurs more than once. */
function duplicatedRows(from: string, partition: string): string {
  return `FROM (SELECT *, count(*) OVER (PARTITION BY ${partition}) AS ${DUP} ${from}) AS dup WHERE ${DUP} > 1`;
}

const unique: ExpectationType = {
  name: 'expect_column_values_to_be_unique',
  group: 'Column values',
  description: 'No non-null value occurs twice; unexpected rows are all rows holding a repeated value (as GX).',
  kwargs: kwargsSchema({ column: columnName, mostly }, ['column']),
  refs: (k) => [{ kind: 'column', path: 'column', column: k.column }],
  onEmpty: MAP_ON_EMPTY,
  plan(k, p): MapPlan {
    const c = p.col(k.column);
    return {
      kind: 'map',
      elementCount: p.agg(`count(${c})`),
      unexpectedCount: p.agg(`count(${c}) - count(DISTINCT ${c})`),
      unexpectedIsLowerBound: true,
      nullCount: p.agg(`count(*) - count(${c})`),
      mostly: k.mostly,
      columns: [k.column],
      failingFrom: duplicatedRows(p.from(`${c} IS NOT NULL`), c),
      unit: 'non-null values',
      fails: 'are duplicates',
      nulls: NULLS_EXCLUDED,
    };
  },
};

export const ROWS_ON_EMPTY = 'passes: no rows to check, nothing unexpected (as GX)';

const IGNORE = ['all_values_are_missing', 'any_value_is_missing', 'never'] as const;

/** The rows a multi-column expectation considers under GX's ignore_row_if. */
export function consideredRows(cols: readonly string[], ignore: string): string {
  if (ignore === 'never' || ignore === 'neither') return 'true';
  if (ignore === 'any_value_is_missing' || ignore === 'either_value_is_missing')
    return cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
  return `NOT (${cols.map((c) => `${c} IS NULL`).join(' AND ')})`;
}

export function ignoredPhrase(ignore: string, n: number, what = 'all values'): string {
  const rows = `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
  if (ignore === 'never' || ignore === 'neither')
    return `no row is skipped (ignore_row_if ${ignore}): a missing value fails`;
  if (ignore === 'any_value_is_missing' || ignore === 'either_value_is_missing')
    return `${rows} with a missing value skipped (ignore_row_if ${ignore})`;
  return `${rows} with ${what} missing skipped (ignore_row_if ${ignore}); other rows with a null are judged`;
}

const compound: ExpectationType = {
  name: 'expect_compound_columns_to_be_unique',
  group: 'Multiple columns',
  description: 'No combination of the values of column_list occurs twice (nulls compare equal, as in GROUP BY).',
  kwargs: kwargsSchema({ column_list: columnList, ignore_row_if: { enum: IGNORE }, mostly }, ['column_list']),
  refs: (k) => (k.column_list as string[]).map((column, i) => ({ kind: 'column', path: `column_list/${i}`, column })),
  onEmpty: ROWS_ON_EMPTY,
  plan(k, p): MapPlan {
    const cols = (k.column_list as string[]).map((c) => p.col(c));
    const ignore = k.ignore_row_if ?? 'all_values_are_missing';
    const considered = consideredRows(cols, ignore);
    const elements = p.agg(`count(*) FILTER (WHERE ${considered})`);
    return {
      kind: 'map',
      elementCount: elements,
      unexpectedCount: p.agg(
        `count(*) FILTER (WHERE ${considered}) - count(DISTINCT ROW(${cols.join(', ')})) FILTER (WHERE ${considered})`,
      ),
      unexpectedIsLowerBound: true,
      nullCount: p.agg(`count(*) FILTER (WHERE NOT (${considered}))`),
      mostly: k.mostly,
      columns: k.column_list,
      failingFrom: duplicatedRows(p.from(considered), cols.join(', ')),
      unit: 'rows',
      fails: 'repeat a combination',
      nulls: (n) => ignoredPhrase(ignore, n),
    };
  },
};

export const UNIQUENESS_TYPES: readonly ExpectationType[] = [unique, compound];
