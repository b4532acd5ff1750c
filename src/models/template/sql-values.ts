/**
 * Values templates see, as SQL. Every value a template can print (vars, their defaults, the run
 * context, `literal`/`ident`, relations) prints as one self-delimiting piece of SQL: numbers in
 * parentheses (`10-{{var "n"}}` with n = -1 is `10-(-1)`, never the comment `10--1`), strings as
 * E'…' literals, identifiers quoted. Helpers that need the raw value (`ident`, `if`) unwrap it.
 *
 * The print hook (render.ts) wraps each printed value in markers so that the rendered SQL can be
 * checked for values that landed inside a string or comment or glued to a word (value-check.ts).
 */
import type { JsonValue } from '../../dag/types';
import { quoteIdent, quoteLiteral, textFlaw } from '../../db/quote';
import type { RunContext } from '../types';

type Scalar = string | number | boolean | null;

/** Postgres' limit on identifier length; longer names are silently truncated, so they are refused. */
export const MAX_IDENT_BYTES = 63;

/** A value that cannot become SQL, named by its label (`var "n"`, `literal`). */
export class ValueError extends Error {
  constructor(
    readonly label: string,
    message: string,
  ) {
    super(`${label} ${message}`);
    this.name = 'ValueError';
  }
}

/** A var (or a var's default, or a `literal` argument): prints as its SQL literal. */
export class SqlValue {
  constructor(
    readonly raw: Scalar,
    readonly label: string,
  ) {}
  toString(): string {
    return sqlLiteral(this.raw, this.label);
  }
}

/** SQL a helper or the run context produced (a literal, an identifier, a relation), printed as is. */
export class SqlText {
  constructor(
    readonly text: string,
    readonly label: string,
  ) {}
  toString(): string {
    return this.text;
  }
}

/** Lists and objects that came from vars (their keys are values too, see `each`). */
const FROM_VARS = new WeakMap<object, string>();

/**
 * The literal of a scalar. Strings Postgres would reject or change are refused: a NUL byte (text
 * cannot hold one) and an unpaired surrogate (not Unicode; the driver would send U+FFFD instead).
 * Numbers JSON rounded (integers beyond 2^53) or that are not finite are refused too.
 */
export function sqlLiteral(value: Scalar, label: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValueError(label, `is ${value}, which is not a SQL number`);
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new ValueError(
        label,
        `is ${value}, beyond 2^53: it was rounded when read as JSON; pass it as a string ("${value}") and cast it in SQL`,
      );
    }
    return `(${String(value)})`;
  }
  if (typeof value === 'string') checkText(value, label);
  return quoteLiteral(value);
}

export function checkText(value: string, label: string): void {
  const flaw = textFlaw(value);
  if (flaw?.kind === 'nul')
    throw new ValueError(label, 'contains a NUL byte (\\u0000), which Postgres text cannot hold');
  if (flaw)
    throw new ValueError(
      label,
      'contains an unpaired UTF-16 surrogate (not valid Unicode), which Postgres would not store as given',
    );
}

/** A quoted identifier part, refused when Postgres would truncate it. */
export function sqlIdent(name: string, label: string): string {
  checkText(name, label);
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_IDENT_BYTES) {
    throw new ValueError(
      label,
      `"${name.slice(0, 20)}…" is ${bytes} bytes; Postgres identifiers hold at most ${MAX_IDENT_BYTES} bytes (a longer one is cut, and two names could become one)`,
    );
  }
  return quoteIdent(name);
}

/**
 * A var as templates see it: scalars as SqlValue, arrays print as a literal list (`NULL` when empty).
 * `label` names a value in errors (`var "methods[0]"`; `list item 0` for the `list` helper's).
 */
export function wrapValue(value: JsonValue, path: string, label: Labeler = varLabel): unknown {
  if (value === null || typeof value !== 'object') return new SqlValue(value, label(path));
  if (Array.isArray(value)) {
    const list = value.map((v, i) => wrapValue(v, `${path}[${i}]`, label));
    Object.defineProperty(list, 'toString', { value: () => (list.length ? list.map(String).join(', ') : 'NULL') });
    FROM_VARS.set(list, label(path));
    return list;
  }
  const obj: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) obj[k] = wrapValue(v, `${path}.${k}`, label);
  Object.defineProperty(obj, 'toString', {
    value: () => {
      throw new ValueError(
        label(path),
        `is an object and cannot be printed; use one of its fields (${label === varLabel ? 'vars.' : ''}${path}.field)`,
      );
    },
  });
  FROM_VARS.set(obj, label(path));
  return obj;
}

type Labeler = (path: string) => string;
const varLabel: Labeler = (path) => `var "${path}"`;

/** A wrapped value back to plain JSON (a `list`/`dict` made in a template, a var passed on). */
export function plainValue(value: unknown): JsonValue | undefined {
  const raw = value instanceof SqlValue || value instanceof SqlText ? unwrap(value) : value;
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean' || typeof raw === 'number') return raw;
  if (Array.isArray(raw)) {
    const items = raw.map(plainValue);
    return items.includes(undefined) ? undefined : (items as JsonValue[]);
  }
  if (raw === undefined || typeof raw !== 'object') return undefined;
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(raw)) {
    const plain = plainValue(v);
    if (plain === undefined) return undefined;
    out[k] = plain;
  }
  return out;
}

export function wrapVars(vars: RunContext['vars']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = wrapValue(v, k);
  return out;
}

/** The label of a list or object from vars (`var "methods"`; undefined for anything else). */
export function wrappedLabel(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? FROM_VARS.get(value) : undefined;
}

/** What a printed value shows in errors, when it is a SQL value at all (plain template text is not). */
export function valueLabel(value: unknown): string | undefined {
  if (value instanceof SqlValue || value instanceof SqlText) return value.label;
  return wrappedLabel(value);
}

export function unwrap(value: unknown): unknown {
  if (value instanceof SqlValue) return value.raw;
  if (value instanceof SqlText) return value.text;
  if (Array.isArray(value)) return value.map(unwrap);
  return value;
}

/** `{{literal x}}`: any value as a SQL literal; undefined and objects are the caller's error. */
export function literalOf(value: unknown, label = 'literal'): string | undefined {
  if (value instanceof SqlValue) return String(value);
  if (Array.isArray(value)) return value.length ? value.map((v) => literalOf(v, label) ?? 'NULL').join(', ') : 'NULL';
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return sqlLiteral(value, label);
  return undefined;
}

/** The run context as typed SQL literals: `E'2026-03-01'::date`, `E'…'::timestamptz`. */
export function runContextLiterals(ctx: RunContext): {
  ds: SqlText;
  data_interval_start: SqlText;
  data_interval_end: SqlText;
} {
  checkText(ctx.ds, 'ds');
  return {
    ds: new SqlText(`${quoteLiteral(ctx.ds)}::date`, 'ds'),
    data_interval_start: new SqlText(
      `${quoteLiteral(isoTimestamp(ctx.dataIntervalStart, 'data_interval_start'))}::timestamptz`,
      'data_interval_start',
    ),
    data_interval_end: new SqlText(
      `${quoteLiteral(isoTimestamp(ctx.dataIntervalEnd, 'data_interval_end'))}::timestamptz`,
      'data_interval_end',
    ),
  };
}

function isoTimestamp(d: Date, what: string): string {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new ValueError(what, 'is not a valid date');
  return d.toISOString();
}
