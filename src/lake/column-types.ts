import { SluiceError } from '../errors/errors';
import { dateProblem, parseTimestamp } from './datetime';
import type { ColumnType } from './column-spec';

/**
 * Per-type parsing of one non-null source value into columns.ts's canonical form. Each parser
 * returns the value, null for a blank, or calls `fail` with the problem as it reads after the value.
 */

/** Reports `raw` as bad; `problem` reads after the value: `"12,5" is not a number`. */
export type Fail = (raw: unknown, at: string, problem: string) => never;

export type TypedParser = (raw: NonNullable<unknown>, at: string, fail: Fail) => unknown;

export interface TypeOptions {
  /** CSV text: a jsonb string is JSON text (validated), not a JSON string value. */
  readonly textInput: boolean;
  readonly assumeUtc: boolean;
}

export const COLUMN_TYPES: readonly ColumnType[] = [
  'text',
  'integer',
  'bigint',
  'numeric',
  'double',
  'boolean',
  'date',
  'timestamp',
  'timestamptz',
  'jsonb',
];

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INTEGER_RE = /^[+-]?\d+$/;
const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DOUBLE_SPECIAL: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  '+Infinity': Infinity,
  '-Infinity': -Infinity,
};
const BOOLEANS: Record<string, boolean> = {
  true: true,
  false: false,
  t: true,
  f: false,
  1: true,
  0: false,
  yes: true,
  no: false,
};
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
  else
    return fail(
      raw,
      at,
      Array.isArray(raw)
        ? 'is an array, not text (declare the column jsonb)'
        : 'is an object, not text (declare the column jsonb)',
    );
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
    if (!Number.isSafeInteger(raw))
      return fail(raw, at, 'is beyond ±2^53 and may have lost precision as a JSON number; send it as a string');
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
      if (t.offset !== '')
        return fail(
          raw,
          at,
          'has a UTC offset, but the column is timestamp (without time zone); declare it timestamptz',
        );
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
      try {
        JSON.parse(json);
      } catch {
        return fail(raw, at, 'is not valid JSON');
      }
    } else {
      try {
        json = JSON.stringify(raw);
      } catch {
        return fail(raw, at, 'cannot be written as JSON');
      }
      if (json === undefined) return fail(raw, at, 'cannot be written as JSON');
    }
    // Postgres jsonb rejects the NUL escape.
    if (json.indexOf('\\u0000') !== -1 && NUL_ESCAPE_RE.test(json))
      return fail(raw, at, 'contains \\u0000, which Postgres jsonb cannot store');
    return json;
  };
}

export function typedParser(type: ColumnType, options: TypeOptions): TypedParser {
  switch (type) {
    case 'text':
      return text;
    case 'integer':
      return integer;
    case 'bigint':
      return bigint;
    case 'numeric':
      return numeric;
    case 'double':
      return double;
    case 'boolean':
      return boolean;
    case 'date':
      return date;
    case 'timestamp':
      return timestampParser(false, false);
    case 'timestamptz':
      return timestampParser(true, options.assumeUtc);
    case 'jsonb':
      return jsonbParser(options.textInput);
    default:
      throw new SluiceError(
        'USAGE',
        `unknown column type ${JSON.stringify(type)} (expected one of ${COLUMN_TYPES.join(', ')})`,
      );
  }
}
