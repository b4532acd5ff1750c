/** Every expectation type by name. */
import type { ExpectationType } from './expectation';
import { CARDINALITY_TYPES } from './types/cardinality';
import { COLUMN_STAT_TYPES } from './types/column-stats';
import { COLUMN_TEXT_TYPES } from './types/column-text';
import { COLUMN_TYPE_TYPES } from './types/column-type';
import { COLUMN_VALUE_TYPES } from './types/column-values';
import { CUSTOM_SQL_TYPES } from './types/custom-sql';
import { DISTINCT_SET_TYPES } from './types/distinct-sets';
import { FRESHNESS_TYPES } from './types/freshness';
import { MULTICOLUMN_TYPES } from './types/multicolumn';
import { REFERENTIAL_TYPES } from './types/referential';
import { TABLE_TYPES } from './types/table';
import { UNIQUENESS_TYPES } from './types/uniqueness';

const ALL: readonly ExpectationType[] = [
  ...TABLE_TYPES,
  ...COLUMN_TYPE_TYPES,
  ...COLUMN_VALUE_TYPES,
  ...UNIQUENESS_TYPES,
  ...COLUMN_TEXT_TYPES,
  ...COLUMN_STAT_TYPES,
  ...CARDINALITY_TYPES,
  ...DISTINCT_SET_TYPES,
  ...MULTICOLUMN_TYPES,
  ...REFERENTIAL_TYPES,
  ...FRESHNESS_TYPES,
  ...CUSTOM_SQL_TYPES,
];
const GROUPS = [...new Set(ALL.map((t) => t.group))];

/** Every type, grouped as the docs list them. */
export const EXPECTATION_TYPES: readonly ExpectationType[] = [...ALL].sort(
  (a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group),
);

const BY_NAME = new Map(EXPECTATION_TYPES.map((t) => [t.name, t]));

export function expectationType(name: string): ExpectationType | undefined {
  return BY_NAME.get(name);
}

export function expectationTypeNames(): string[] {
  return [...BY_NAME.keys()];
}
