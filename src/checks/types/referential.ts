/**
 * Referential integrity: every value occurs in another table's column (a foreign key the warehouse
 * does not enforce). An anti-join of its own, so Postgres can hash the other table once.
 */
import type { ExpectationType, MapPlan } from '../expectation';
import { columnName, kwargsSchema, mostly } from './kwargs';
import { MAP_ON_EMPTY, NULLS_EXCLUDED } from './map';

export const REFERENTIAL_TYPES: readonly ExpectationType[] = [
  {
    name: 'expect_column_values_to_be_in_table_column',
    group: 'Referential',
    description:
      'Every non-null value occurs in other_column of other_table (not a GX core name: GX has no referential expectation).',
    kwargs: kwargsSchema(
      { column: columnName, other_table: { type: 'string', minLength: 1 }, other_column: columnName, mostly },
      ['column', 'other_table', 'other_column'],
    ),
    refs: (k) => [
      { kind: 'column', path: 'column', column: k.column },
      {
        kind: 'table',
        path: 'other_table',
        table: k.other_table,
        column: { path: 'other_column', name: k.other_column },
      },
    ],
    onEmpty: MAP_ON_EMPTY,
    plan(k, p): MapPlan {
      const c = p.col(k.column);
      // Qualified with the table's name: the other table may be this table (parent_id → id).
      const outer = `${p.source}.${c}`;
      const missing = `${outer} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${p.other(k.other_table).sql} AS __sluice_other WHERE __sluice_other.${p.col(k.other_column)} = ${outer})`;
      return {
        kind: 'map',
        elementCount: p.agg(`count(${c})`),
        unexpectedCount: p.scalar(`SELECT count(*) ${p.from(missing)}`),
        nullCount: p.agg(`count(*) - count(${c})`),
        mostly: k.mostly,
        columns: [k.column],
        failingFrom: p.from(missing),
        unit: 'non-null values',
        fails: `are not in ${k.other_table}.${k.other_column}`,
        nulls: NULLS_EXCLUDED,
      };
    },
  },
];
