/**
 * What a suite reads, checked against the catalog before planning: its table, every column named
 * in kwargs (with a did-you-mean), other tables and their columns, and column types where an
 * expectation needs numbers or timestamps.
 */
import type { TableInfo } from './catalog';
import type { ExpectationType, Kwargs, Ref } from './expectation';
import { didYouMean, SUITE_HINTS } from '../util/did-you-mean';
import type { Problem } from './plan';

const NEEDS: Record<string, { categories: string; what: string }> = {
  numeric: { categories: 'N', what: 'a numeric column' },
  datetime: { categories: 'D', what: 'a date or timestamp column' },
};

function missingColumn(table: TableInfo, column: string): string {
  return `column "${column}" does not exist in ${table.schema}.${table.name}${didYouMean(column, table.byName.keys(), SUITE_HINTS)}`;
}

/** Every table the suite's expectations name besides its own. */
export function otherTables(types: ReadonlyArray<{ type: ExpectationType; kwargs: Kwargs }>): string[] {
  return types.flatMap(({ type, kwargs }) => type.refs(kwargs)).flatMap((r) => (r.kind === 'table' ? [r.table] : []));
}

export function checkRefs(
  index: number,
  type: ExpectationType,
  kwargs: Kwargs,
  table: TableInfo,
  others: ReadonlyMap<string, TableInfo | undefined>,
): Problem[] {
  const problems: Problem[] = [];
  const refs: Ref[] = type.refs(kwargs);
  for (const r of refs) {
    if (r.kind === 'table') {
      const other = others.get(r.table);
      if (!other) {
        problems.push({ index, path: r.path, message: `table "${r.table}" does not exist` });
        continue;
      }
      if (r.column && !other.byName.has(r.column.name))
        problems.push({ index, path: r.column.path, message: missingColumn(other, r.column.name) });
      continue;
    }
    const col = table.byName.get(r.column);
    if (!col) {
      problems.push({ index, path: r.path, message: missingColumn(table, r.column) });
      continue;
    }
    const need = r.need && NEEDS[r.need];
    if (need && !need.categories.includes(col.category)) {
      problems.push({ index, path: r.path, message: `needs ${need.what}; "${r.column}" is ${col.type}` });
    }
  }
  return problems;
}
