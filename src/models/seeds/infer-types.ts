import type { ColumnType } from '../../lake/column-spec';
import { compileColumn } from '../../lake/columns';
import { isMalformedRow } from '../../lake/malformed';

/**
 * The types a seed column may be inferred as, narrowest first: the first type every non-empty value
 * of the column parses as wins (dbt's seed inference, with Postgres' own text forms). A column with
 * no values at all is text.
 */
const CANDIDATES: readonly ColumnType[] = [
  'integer',
  'bigint',
  'numeric',
  'boolean',
  'date',
  'timestamp',
  'timestamptz',
];

// A number written with a leading zero (`007`, an account or zip code) is kept as text: a number
// type would drop the zeros.
const LEADING_ZERO = /^[+-]?0\d/;
const BOOLEAN = /^(true|false)$/i;
// Postgres' integer input also takes `1_000` and hex; a seed's numbers are plain decimals.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function fits(type: ColumnType, value: string): boolean {
  if (type === 'boolean') return BOOLEAN.test(value);
  if (type === 'integer' || type === 'bigint' || type === 'numeric') {
    if (!DECIMAL.test(value) || LEADING_ZERO.test(value)) return false;
    if (type !== 'numeric' && !/^[+-]?\d+$/.test(value)) return false;
  }
  try {
    compileColumn({ name: 'x', type }, { input: 'text' })(value, '');
    return true;
  } catch (e) {
    if (isMalformedRow(e)) return false;
    throw e;
  }
}

/** The narrowest type every value fits; nulls (empty fields) fit any type. */
export function inferColumnType(values: Iterable<string | null>): ColumnType {
  let candidates = CANDIDATES;
  for (const v of values) {
    if (v === null || v === '') continue;
    candidates = candidates.filter((t) => fits(t, v));
    if (!candidates.length) return 'text';
  }
  return candidates.length === CANDIDATES.length ? 'text' : candidates[0];
}
