import { SluiceError } from '../errors/errors';
import { dateProblem, parseTimestamp } from './datetime';
import { describeValue, MalformedRowError } from './malformed';
import type { ColumnSpec, ColumnType } from './types';

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

/** Reports `raw` as bad; `problem` reads after the value: `"12,5" is not a number`. */
export type Fail = (raw: unknown, at: string, problem: string) => never;

type TypedParser = (raw: NonNullable<unknown>, at: string, fail: Fail) => unknown;

export const COLUMN_TYPES: readonly ColumnType[] = ['text', 'integer', 'bigint', 'numeric', 'double', 'boolean', 'date', 'timestamp', 'timestamptz', 'jsonb'];

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INTEGER_RE = /^[+-]?\d+$/;
const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DOUBLE_SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '+Infinity': Infinity, '-Infinity': -Infinity };
const BOOLEANS: Record<string, boolean> = { true: true, false: false, t: true, f: false, 1: true, 0: false, yes: true, no: false };
const INT8_MAX_DIGITS = '9223372036854775807';
const INT8_MIN_DIGITS = '9223372036854775808';
// `\u0000` not itself escaped (`\\u0000` is the text "\u0000", which is fine).
const NUL_ESCAPE_RE = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** The value as a non-empty trimmed string, or null for '' (non-text types treat blank as null). */
function trimmed(s: string): string | null {
  const t = s.trim();
  return t === '' ? null : t;
}

const text: TypedParser = (raw, at, fail) => {
  let s: string;
  if (typeof raw === 'string') s = raw;
  else if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') s = String(raw);
  else return fail(raw, at, Array.isArray(raw) ? 'is an array, not text (declare the column jsonb)' : 'is an object, not text (declare the column jsonb)');
  // Postgres text cannot hold NUL; better said here than as a COPY failure at load time.
  if (s.indexOf('\0') !== -1) fail(raw, at, 'contains a NUL character, which Postgres text cannot store');
  return s;
};

const integer: TypedParser = (raw, at, fail) => {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string') {
    const s = trimmed(raw);
    if (s === null) return null;
    if (!INTEGER_RE.test(s)) return fail(raw, at, DECIMAL_RE.test(s) ? 'is not an integer' : 'is not a number');
    n = +s;
  } else if (typeof raw === 'bigint') n = Number(raw);
  else return fail(raw, at, 'is not an integer');
  if (!Number.isInteger(n)) return fail(raw, at, 'is not an integer');
  if (n < INT4_MIN || n > INT4_MAX) return fail(raw, at, `is out of range for integer (${INT4_MIN}..${INT4_MAX})`);
  return n;
};

const bigint: TypedParser = (raw, at, fail) => {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) return fail(raw, at, 'is not an integer');
    if (!Number.isSafeInteger(raw)) return fail(raw, at, 'is beyond ±2^53 and may have lost precision as a JSON number; send it as a string');
    return String(raw);
  }
  let s: string | null;
  if (typeof raw === 'string') s = trimmed(raw);
  else if (typeof raw === 'bigint') s = raw.toString();
  else return fail(raw, at, 'is not an integer');
  if (s === null) return null;
  if (!INTEGER_RE.test(s)) return fail(raw, at, DECIMAL_RE.test(s) ? 'is not an integer' : 'is not a number');
  const negative = s.charCodeAt(0) === 45;
  const signed = negative || s.charCodeAt(0) === 43;
  let start = signed ? 1 : 0;
  while (start < s.length - 1 && s.charCodeAt(start) === 48) start++;
  const digits = start === 0 ? s : s.slice(start);
  if (digits.length > 19 || (digits.length === 19 && digits > (negative ? INT8_MIN_DIGITS : INT8_MAX_DIGITS))) {
    return fail(raw, at, 'is out of range for bigint');
  }
  if (start === 0) return s;
  return negative && digits !== '0' ? `-${digits}` : digits;
};

const numeric: TypedParser = (raw, at, fail) => {
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : fail(raw, at, 'is not a finite number');
  if (typeof raw === 'bigint') return raw.toString();
  if (typeof raw !== 'string') return fail(raw, at, 'is not a number');
  const s = trimmed(raw);
  if (s === null) return null;
  return DECIMAL_RE.test(s) ? s : fail(raw, at, 'is not a number');
};

const double: TypedParser = (raw, at, fail) => {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw !== 'string') return fail(raw, at, 'is not a number');
  const s = trimmed(raw);
  if (s === null) return null;
  if (DECIMAL_RE.test(s)) return +s;
  const special = DOUBLE_SPECIAL[s];
  return special !== undefined ? special : fail(raw, at, 'is not a number');
};

const boolean: TypedParser = (raw, at, fail) => {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === 0) return raw === 1;
  if (typeof raw !== 'string') return fail(raw, at, 'is not a boolean (true/false/t/f/1/0/yes/no)');
  const b = BOOLEANS[raw];
  if (b !== undefined) return b;
  const s = trimmed(raw);
  if (s === null) return null;
  const lower = BOOLEANS[s.toLowerCase()];
  return lower !== undefined ? lower : fail(raw, at, 'is not a boolean (true/false/t/f/1/0/yes/no)');
};

const date: TypedParser = (raw, at, fail) => {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return fail(raw, at, 'is not a valid date');
    return raw.toISOString().slice(0, 10);
  }
  if (typeof raw !== 'string') return fail(raw, at, 'is not a date (YYYY-MM-DD)');
  const s = trimmed(raw);
  if (s === null) return null;
  const problem = dateProblem(s);
  return problem === undefined ? s : fail(raw, at, problem);
};

function timestampParser(withZone: boolean, assumeUtc: boolean): TypedParser {
  return (raw, at, fail) => {
    if (raw instanceof Date) {
      // An instant; a zone-less column gets its UTC wall-clock time.
      if (Number.isNaN(raw.getTime())) return fail(raw, at, 'is not a valid timestamp');
      const iso = raw.toISOString();
      return withZone ? iso : iso.slice(0, -1);
    }
    if (typeof raw !== 'string') return fail(raw, at, 'is not an ISO 8601 timestamp');
    const s = trimmed(raw);
    if (s === null) return null;
    const t = parseTimestamp(s);
    if (typeof t === 'string') return fail(raw, at, t);
    if (!withZone) {
      if (t.offset !== '') return fail(raw, at, 'has a UTC offset, but the column is timestamp (without time zone); declare it timestamptz');
      return t.local;
    }
    if (t.offset === '') {
      if (assumeUtc) return `${t.local}Z`;
      return fail(raw, at, 'has no UTC offset, which a timestamptz needs (e.g. 2026-01-31T10:00:00Z)');
    }
    return t.canonical ? s : t.local + t.offset;
  };
}

function jsonbParser(textInput: boolean): TypedParser {
  return (raw, at, fail) => {
    let json: string;
    if (typeof raw === 'string' && textInput) {
      json = raw.trim();
      if (json === '') return null;
      try { JSON.parse(json); } catch { return fail(raw, at, 'is not valid JSON'); }
    } else {
      try { json = JSON.stringify(raw); } catch { return fail(raw, at, 'cannot be written as JSON'); }
      if (json === undefined) return fail(raw, at, 'cannot be written as JSON');
    }
    // Postgres jsonb rejects the NUL escape.
    if (json.indexOf('\\u0000') !== -1 && NUL_ESCAPE_RE.test(json)) return fail(raw, at, 'contains \\u0000, which Postgres jsonb cannot store');
    return json;
  };
}

function typedParser(type: ColumnType, options: CoerceOptions): TypedParser {
  switch (type) {
    case 'text': return text;
    case 'integer': return integer;
    case 'bigint': return bigint;
    case 'numeric': return numeric;
    case 'double': return double;
    case 'boolean': return boolean;
    case 'date': return date;
    case 'timestamp': return timestampParser(false, false);
    case 'timestamptz': return timestampParser(true, options.timestamptzWithoutOffset === 'utc');
    case 'jsonb': return jsonbParser(options.input === 'text');
    default: throw new SluiceError('USAGE', `unknown column type ${JSON.stringify(type)} (expected one of ${COLUMN_TYPES.join(', ')})`);
  }
}

/** One precompiled converter for `spec`: nulls and nullability here, the type's parsing above. */
export function compileColumn(spec: ColumnSpec, options: CoerceOptions = {}): ValueConverter {
  const parse = typedParser(spec.type, options);
  const label = `column ${JSON.stringify(spec.name)} (${spec.type})`;
  const nullable = spec.nullable !== false;
  const fail: Fail = (raw, at, problem) => {
    throw new MalformedRowError(at, `${label}: ${describeValue(raw)} ${problem}`);
  };
  const missing = (raw: unknown, at: string): null => {
    if (nullable) return null;
    throw new MalformedRowError(at, raw === undefined
      ? `${label}: value is missing, but the column is not nullable`
      : `${label}: ${raw === null ? 'null' : describeValue(raw)} is not allowed: the column is not nullable`);
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
    if (typeof c.name !== 'string' || c.name === '') throw new SluiceError('USAGE', 'a declared column has an empty name');
    if (seen.has(c.name)) throw new SluiceError('USAGE', `column ${JSON.stringify(c.name)} is declared twice`);
    seen.add(c.name);
    typedParser(c.type, {}); // throws USAGE for an unknown type
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
