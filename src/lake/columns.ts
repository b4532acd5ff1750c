import { SluiceError } from '../errors/errors';
import { COLUMN_TYPES, typedParser, type Fail } from './column-types';
import { describeValue, MalformedRowError } from './malformed';
import type { ColumnSpec } from './column-spec';

export { COLUMN_TYPES } from './column-types';

/**
 * Coercion of one source value to its declared column type, compiled once per column because it
 * runs for every value of every row. Values come out in one canonical form per type, which the
 * lake CSV writer prints as is and Postgres COPY loads without loss:
 *
 *   text string · integer number (int4) · bigint decimal string (no precision loss past 2^53)
 *   numeric decimal string as given · double number · boolean boolean · date 'YYYY-MM-DD'
 *   timestamp 'YYYY-MM-DDTHH:MM:SS[.fff]' · timestamptz the same plus 'Z' or '±HH:MM'
 *   jsonb JSON text · null
 *
 * Rules: surrounding whitespace is ignored for every type but text (as Postgres does); an empty
 * string is null for every type but text (and jsonb from parsed JSON, where "" is a JSON string);
 * a missing key (undefined) is null, and so is a JSON null in a jsonb column. A `timestamp` value
 * carrying a UTC offset is an error (Postgres would silently drop the offset), and a `timestamptz`
 * without one is an error unless `timestamptzWithoutOffset: 'utc'`.
 */
export interface CoerceOptions {
  /**
   * 'text': values are CSV fields, so a jsonb string is JSON text to validate. 'json' (default):
   * values were already parsed, so a jsonb string is a JSON string value.
   */
  readonly input?: 'text' | 'json';
  readonly timestamptzWithoutOffset?: 'error' | 'utc';
}

/** Throws MalformedRowError (`<at>: column "x" (type): <value> <problem>`) on a bad value. */
export type ValueConverter = (raw: unknown, at: string) => unknown;

/** One precompiled converter for `spec`: nulls and nullability here, the type's parsing in column-types.ts. */
export function compileColumn(spec: ColumnSpec, options: CoerceOptions = {}): ValueConverter {
  const parse = typedParser(spec.type, {
    textInput: options.input === 'text',
    assumeUtc: options.timestamptzWithoutOffset === 'utc',
  });
  const label = `column ${JSON.stringify(spec.name)} (${spec.type})`;
  const nullable = spec.nullable !== false;
  const fail: Fail = (raw, at, problem) => {
    throw new MalformedRowError(at, `${label}: ${describeValue(raw)} ${problem}`);
  };
  const missing = (raw: unknown, at: string): null => {
    if (nullable) return null;
    throw new MalformedRowError(
      at,
      raw === undefined
        ? `${label}: value is missing, but the column is not nullable`
        : `${label}: ${raw === null ? 'null' : describeValue(raw)} is not allowed: the column is not nullable`,
    );
  };
  return (raw, at) => {
    if (raw === null || raw === undefined) return missing(raw, at);
    const v = parse(raw, at, fail);
    return v === null ? missing(raw, at) : v;
  };
}

/** Checks a declared column list once: known types, non-empty unique names. */
export function checkColumns(columns: readonly ColumnSpec[]): void {
  if (columns.length === 0) throw new SluiceError('USAGE', 'no columns declared');
  const seen = new Set<string>();
  for (const c of columns) {
    if (typeof c.name !== 'string' || c.name === '')
      throw new SluiceError('USAGE', 'a declared column has an empty name');
    // Rows are plain objects keyed by column name; this key would set the prototype instead.
    if (c.name === '__proto__') throw new SluiceError('USAGE', 'a column cannot be named __proto__');
    if (seen.has(c.name)) throw new SluiceError('USAGE', `column ${JSON.stringify(c.name)} is declared twice`);
    seen.add(c.name);
    if (!COLUMN_TYPES.includes(c.type)) typedParser(c.type, { textInput: false, assumeUtc: false }); // throws USAGE, naming the types
  }
}

/** Converts a whole row given as fields in some order: `fields[positions[i]]` feeds `columns[i]`. */
export interface RowCoercer {
  readonly columns: readonly ColumnSpec[];
  fromFields(fields: readonly unknown[], positions: readonly number[], at: string): Record<string, unknown>;
  fromRecord(record: Readonly<Record<string, unknown>>, at: string): Record<string, unknown>;
}

export function compileRow(columns: readonly ColumnSpec[], options: CoerceOptions = {}): RowCoercer {
  checkColumns(columns);
  const names = columns.map((c) => c.name);
  const converters = columns.map((c) => compileColumn(c, options));
  const n = names.length;
  return {
    columns,
    fromFields(fields, positions, at) {
      const values: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) values[names[i]] = converters[i](fields[positions[i]], at);
      return values;
    },
    fromRecord(record, at) {
      const values: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) values[names[i]] = converters[i](record[names[i]], at);
      return values;
    },
  };
}

/** One value, without caching the converter (tests, one-off checks); use compileColumn in loops. */
export function coerceValue(spec: ColumnSpec, raw: unknown, at: string, options?: CoerceOptions): unknown {
  return compileColumn(spec, options)(raw, at);
}
