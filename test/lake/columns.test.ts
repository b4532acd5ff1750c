import { coerceValue, compileColumn, compileRow, type CoerceOptions } from '../../src/lake/columns';
import { MalformedRowError } from '../../src/lake/malformed';
import type { ColumnSpec, ColumnType } from '../../src/lake/column-spec';

const AT = 'orders.csv line 12';
const ok = (type: ColumnType, raw: unknown, o?: CoerceOptions) => coerceValue({ name: 'c', type }, raw, AT, o);
const err = (spec: ColumnSpec | ColumnType, raw: unknown, o?: CoerceOptions): string => {
  const s = typeof spec === 'string' ? { name: 'c', type: spec } : spec;
  try {
    coerceValue(s, raw, AT, o);
  } catch (e) {
    expect(e).toBeInstanceOf(MalformedRowError);
    expect((e as MalformedRowError).code).toBe('INPUT_MALFORMED');
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected as ${s.type}`);
};

describe('column coercion', () => {
  test('errors name the location, the column, its type, the value and the problem', () => {
    expect(err({ name: 'amount', type: 'numeric' }, '12,5')).toBe(
      'orders.csv line 12: column "amount" (numeric): "12,5" is not a number',
    );
    const e = (() => {
      try {
        coerceValue({ name: 'amount', type: 'numeric' }, '12,5', AT);
      } catch (x) {
        return x as MalformedRowError;
      }
    })()!;
    expect(e.at).toBe(AT);
    expect(e.problem).toBe('column "amount" (numeric): "12,5" is not a number');
  });

  test('nulls: missing and null are null; blank is null except for text; non-nullable columns refuse them', () => {
    for (const t of [
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
    ] as const) {
      expect(ok(t, null)).toBeNull();
      expect(ok(t, undefined)).toBeNull();
      if (t !== 'text') expect(ok(t, '  ', { input: 'text' })).toBeNull();
    }
    expect(ok('jsonb', '')).toBe('""'); // a parsed JSON string is a value, even when empty
    expect(ok('text', '')).toBe('');
    expect(ok('text', '  ')).toBe('  ');
    const id: ColumnSpec = { name: 'id', type: 'integer', nullable: false };
    expect(err(id, null)).toBe(
      'orders.csv line 12: column "id" (integer): null is not allowed: the column is not nullable',
    );
    expect(err(id, undefined)).toBe(
      'orders.csv line 12: column "id" (integer): value is missing, but the column is not nullable',
    );
    expect(err(id, '')).toBe(
      'orders.csv line 12: column "id" (integer): "" is not allowed: the column is not nullable',
    );
    expect(coerceValue({ name: 'n', type: 'text', nullable: false }, '', AT)).toBe('');
  });

  test('text: strings as is, JSON scalars as text, objects and NUL refused', () => {
    expect(ok('text', ' a,b\n"c" ')).toBe(' a,b\n"c" ');
    expect(ok('text', 42)).toBe('42');
    expect(ok('text', false)).toBe('false');
    expect(err('text', { a: 1 })).toBe(
      'orders.csv line 12: column "c" (text): {"a":1} is an object, not text (declare the column jsonb)',
    );
    expect(err('text', [1])).toBe(
      'orders.csv line 12: column "c" (text): [1] is an array, not text (declare the column jsonb)',
    );
    expect(err('text', 'a\u0000b')).toBe(
      'orders.csv line 12: column "c" (text): "a\\u0000b" contains a NUL character, which Postgres text cannot store',
    );
  });

  test('integer: int4 range, no fractions', () => {
    expect(ok('integer', '42')).toBe(42);
    expect(ok('integer', ' -7 ')).toBe(-7);
    expect(ok('integer', '+0012')).toBe(12);
    expect(ok('integer', 2147483647)).toBe(2147483647);
    expect(ok('integer', '-2147483648')).toBe(-2147483648);
    expect(err('integer', '1.5')).toBe('orders.csv line 12: column "c" (integer): "1.5" is not an integer');
    expect(err('integer', 1.5)).toBe('orders.csv line 12: column "c" (integer): 1.5 is not an integer');
    expect(err('integer', '1e3')).toBe('orders.csv line 12: column "c" (integer): "1e3" is not an integer');
    expect(err('integer', 'abc')).toBe('orders.csv line 12: column "c" (integer): "abc" is not a number');
    expect(err('integer', '2147483648')).toBe(
      'orders.csv line 12: column "c" (integer): "2147483648" is out of range for integer (-2147483648..2147483647)',
    );
    expect(err('integer', true)).toBe('orders.csv line 12: column "c" (integer): true is not an integer');
  });

  test('bigint: kept as exact decimal text across the int8 range', () => {
    expect(ok('bigint', '9223372036854775807')).toBe('9223372036854775807');
    expect(ok('bigint', '-9223372036854775808')).toBe('-9223372036854775808');
    expect(ok('bigint', '+000123')).toBe('123');
    expect(ok('bigint', '-000')).toBe('0');
    expect(ok('bigint', 42)).toBe('42');
    expect(ok('bigint', 12345678901234567890n >> 1n)).toBe('6172839450617283945');
    expect(err('bigint', '9223372036854775808')).toBe(
      'orders.csv line 12: column "c" (bigint): "9223372036854775808" is out of range for bigint',
    );
    expect(err('bigint', '-9223372036854775809')).toBe(
      'orders.csv line 12: column "c" (bigint): "-9223372036854775809" is out of range for bigint',
    );
    expect(err('bigint', 2 ** 60)).toBe(
      'orders.csv line 12: column "c" (bigint): 1152921504606847000 is beyond ±2^53 and may have lost precision as a JSON number; send it as a string',
    );
    expect(err('bigint', '12.0')).toBe('orders.csv line 12: column "c" (bigint): "12.0" is not an integer');
  });

  test('numeric: validated, kept as the given decimal text', () => {
    expect(ok('numeric', '12.50')).toBe('12.50');
    expect(ok('numeric', '-0.000000000000000000001')).toBe('-0.000000000000000000001');
    expect(ok('numeric', '123456789012345678901234567890.5')).toBe('123456789012345678901234567890.5');
    expect(ok('numeric', '1e-3')).toBe('1e-3');
    expect(ok('numeric', '.5')).toBe('.5');
    expect(ok('numeric', 0.1)).toBe('0.1');
    expect(err('numeric', '1,000')).toBe('orders.csv line 12: column "c" (numeric): "1,000" is not a number');
    expect(err('numeric', 'NaN')).toBe('orders.csv line 12: column "c" (numeric): "NaN" is not a number');
    expect(err('numeric', '0x10')).toBe('orders.csv line 12: column "c" (numeric): "0x10" is not a number');
  });

  test('double: numbers, including the IEEE specials Postgres accepts', () => {
    expect(ok('double', '3.25')).toBe(3.25);
    expect(ok('double', '-1e300')).toBe(-1e300);
    expect(ok('double', 'Infinity')).toBe(Infinity);
    expect(ok('double', '-Infinity')).toBe(-Infinity);
    expect(ok('double', 'NaN')).toBeNaN();
    expect(ok('double', 7)).toBe(7);
    expect(err('double', '3,25')).toBe('orders.csv line 12: column "c" (double): "3,25" is not a number');
    expect(err('double', '0x1F')).toBe('orders.csv line 12: column "c" (double): "0x1F" is not a number');
  });

  test('boolean: true/false/t/f/1/0/yes/no in any case', () => {
    for (const t of ['true', 'TRUE', 't', 'T', '1', 'yes', 'Yes', ' true ']) expect(ok('boolean', t)).toBe(true);
    for (const f of ['false', 'False', 'f', '0', 'no', 'NO']) expect(ok('boolean', f)).toBe(false);
    expect(ok('boolean', true)).toBe(true);
    expect(ok('boolean', 0)).toBe(false);
    expect(err('boolean', 'maybe')).toBe(
      'orders.csv line 12: column "c" (boolean): "maybe" is not a boolean (true/false/t/f/1/0/yes/no)',
    );
    expect(err('boolean', 2)).toBe(
      'orders.csv line 12: column "c" (boolean): 2 is not a boolean (true/false/t/f/1/0/yes/no)',
    );
  });

  test('date: real calendar dates only', () => {
    expect(ok('date', '2024-02-29')).toBe('2024-02-29');
    expect(ok('date', '2000-02-29')).toBe('2000-02-29');
    expect(ok('date', new Date('2026-03-04T23:00:00Z'))).toBe('2026-03-04');
    expect(err('date', '2023-02-29')).toBe('orders.csv line 12: column "c" (date): "2023-02-29" is not a valid date');
    expect(err('date', '1900-02-29')).toBe('orders.csv line 12: column "c" (date): "1900-02-29" is not a valid date');
    expect(err('date', '2026-04-31')).toBe('orders.csv line 12: column "c" (date): "2026-04-31" is not a valid date');
    expect(err('date', '2026-13-01')).toBe('orders.csv line 12: column "c" (date): "2026-13-01" is not a valid date');
    expect(err('date', '01/02/2026')).toBe(
      'orders.csv line 12: column "c" (date): "01/02/2026" is not a date (YYYY-MM-DD)',
    );
    expect(err('date', '2026-01-01T00:00:00')).toBe(
      'orders.csv line 12: column "c" (date): "2026-01-01T00:00:00" is not a date (YYYY-MM-DD)',
    );
  });

  test('timestamp: ISO 8601 without offset, normalized to T and seconds', () => {
    expect(ok('timestamp', '2026-01-31T10:00:00')).toBe('2026-01-31T10:00:00');
    expect(ok('timestamp', '2026-01-31 10:00')).toBe('2026-01-31T10:00:00');
    expect(ok('timestamp', '2026-01-31T10:00:00.123456')).toBe('2026-01-31T10:00:00.123456');
    expect(ok('timestamp', new Date('2026-01-31T10:00:00.5Z'))).toBe('2026-01-31T10:00:00.500');
    expect(err('timestamp', '2026-01-31T10:00:00Z')).toBe(
      'orders.csv line 12: column "c" (timestamp): "2026-01-31T10:00:00Z" has a UTC offset, but the column is timestamp (without time zone); declare it timestamptz',
    );
    expect(err('timestamp', '2026-01-31T24:00:00')).toBe(
      'orders.csv line 12: column "c" (timestamp): "2026-01-31T24:00:00" is not a valid time of day',
    );
    expect(err('timestamp', '2026-02-30T10:00:00')).toBe(
      'orders.csv line 12: column "c" (timestamp): "2026-02-30T10:00:00" is not a valid date',
    );
    expect(err('timestamp', '31/01/2026 10:00')).toBe(
      'orders.csv line 12: column "c" (timestamp): "31/01/2026 10:00" is not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM])',
    );
    expect(err('timestamp', 1767225600)).toBe(
      'orders.csv line 12: column "c" (timestamp): 1767225600 is not an ISO 8601 timestamp',
    );
  });

  test('timestamptz: needs an offset (unless told to assume UTC); offsets normalized to Z or ±HH:MM', () => {
    expect(ok('timestamptz', '2026-01-31T10:00:00Z')).toBe('2026-01-31T10:00:00Z');
    expect(ok('timestamptz', '2026-01-31T10:00:00.123+05:30')).toBe('2026-01-31T10:00:00.123+05:30');
    expect(ok('timestamptz', '2026-01-31 10:00:00+0530')).toBe('2026-01-31T10:00:00+05:30');
    expect(ok('timestamptz', '2026-01-31 10:00:00-03')).toBe('2026-01-31T10:00:00-03:00');
    expect(ok('timestamptz', '2026-01-31t10:00z')).toBe('2026-01-31T10:00:00Z');
    expect(ok('timestamptz', new Date('2026-01-31T10:00:00Z'))).toBe('2026-01-31T10:00:00.000Z');
    expect(err('timestamptz', '2026-01-31T10:00:00')).toBe(
      'orders.csv line 12: column "c" (timestamptz): "2026-01-31T10:00:00" has no UTC offset, which a timestamptz needs (e.g. 2026-01-31T10:00:00Z)',
    );
    expect(ok('timestamptz', '2026-01-31 10:00:00', { timestamptzWithoutOffset: 'utc' })).toBe('2026-01-31T10:00:00Z');
    expect(err('timestamptz', '2026-01-31T10:00:00+16:00')).toBe(
      'orders.csv line 12: column "c" (timestamptz): "2026-01-31T10:00:00+16:00" has an invalid UTC offset',
    );
  });

  test('jsonb: JSON text from CSV is validated and kept; parsed values are serialized', () => {
    expect(ok('jsonb', ' {"a": [1, 2]} ', { input: 'text' })).toBe('{"a": [1, 2]}');
    expect(ok('jsonb', '"x"', { input: 'text' })).toBe('"x"');
    expect(err({ name: 'payload', type: 'jsonb' }, '{a:1}', { input: 'text' })).toBe(
      'orders.csv line 12: column "payload" (jsonb): "{a:1}" is not valid JSON',
    );
    expect(ok('jsonb', { a: [1, 'é'] })).toBe('{"a":[1,"é"]}');
    expect(ok('jsonb', 'x')).toBe('"x"'); // a JSON string value, not JSON text
    expect(ok('jsonb', 3)).toBe('3');
    expect(err('jsonb', { s: 'a\u0000' })).toBe(
      'orders.csv line 12: column "c" (jsonb): {"s":"a\\u0000"} contains \\u0000, which Postgres jsonb cannot store',
    );
    expect(ok('jsonb', '"a\\\\u0000"', { input: 'text' })).toBe('"a\\\\u0000"'); // an escaped backslash, not NUL
  });

  test('long values are cut short in messages', () => {
    expect(err('integer', 'x'.repeat(500))).toBe(
      `orders.csv line 12: column "c" (integer): "${'x'.repeat(59)}… is not a number`,
    );
  });

  test('column declarations are checked once', () => {
    expect(() => compileColumn({ name: 'x', type: 'money' as ColumnType })).toThrow(/unknown column type "money"/);
    expect(() =>
      compileRow([
        { name: 'a', type: 'text' },
        { name: 'a', type: 'integer' },
      ]),
    ).toThrow(/column "a" is declared twice/);
    expect(() => compileRow([])).toThrow(/no columns declared/);
  });

  test('a compiled row maps fields by position or records by name', () => {
    const row = compileRow(
      [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'text' },
      ],
      { input: 'text' },
    );
    expect(row.fromFields(['x', 'Ann', '7'], [2, 1], AT)).toEqual({ id: 7, name: 'Ann' });
    expect(row.fromRecord({ name: 'Bo', id: 8, extra: true }, AT)).toEqual({ id: 8, name: 'Bo' });
    expect(() => row.fromFields(['1.5', 'x'], [0, 1], AT)).toThrow(
      'orders.csv line 12: column "id" (integer): "1.5" is not an integer',
    );
  });
});
