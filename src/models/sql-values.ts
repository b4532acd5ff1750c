/**
 * Values templates see, as SQL: run vars are wrapped so that printing one anywhere
 * (`{{var "x"}}`, `{{vars.x}}`, `{{this}}` inside `{{#each vars.list}}`) yields a quoted literal,
 * never raw text; helpers that need the raw value (`ident`, `if`) unwrap it.
 */
import type { JsonValue } from '../dag/types';
import { quoteLiteral } from '../db/quote';
import type { RunContext } from './types';

type Scalar = string | number | boolean | null;

export class SqlValue {
  constructor(readonly raw: Scalar) {}
  toString(): string {
    return quoteLiteral(this.raw);
  }
}

/** A var as templates see it: scalars as SqlValue, arrays print as a literal list (`NULL` when empty). */
export function wrapValue(value: JsonValue): unknown {
  if (value === null || typeof value !== 'object') return new SqlValue(value);
  if (Array.isArray(value)) {
    const list = value.map(wrapValue);
    Object.defineProperty(list, 'toString', { value: () => (list.length ? list.map(String).join(', ') : 'NULL') });
    return list;
  }
  const obj: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) obj[k] = wrapValue(v);
  Object.defineProperty(obj, 'toString', {
    value: () => { throw new Error('a var that is an object cannot be printed; use one of its fields (vars.name.field)'); },
  });
  return obj;
}

export function wrapVars(vars: RunContext['vars']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = wrapValue(v);
  return out;
}

export function unwrap(value: unknown): unknown {
  if (value instanceof SqlValue) return value.raw;
  if (Array.isArray(value)) return value.map(unwrap);
  return value;
}

/** `{{literal x}}`: any value as a SQL literal; undefined and objects are the caller's error. */
export function literalOf(value: unknown): string | undefined {
  if (value instanceof SqlValue) return String(value);
  if (Array.isArray(value)) return value.length ? value.map((v) => literalOf(v) ?? 'NULL').join(', ') : 'NULL';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return quoteLiteral(value);
  if (typeof value === 'number' && Number.isFinite(value)) return quoteLiteral(value);
  return undefined;
}

/** The run context as SQL literals: `'2026-03-01'::date`, `'…'::timestamptz`. */
export function runContextLiterals(ctx: RunContext): { ds: string; data_interval_start: string; data_interval_end: string } {
  return {
    ds: `${quoteLiteral(ctx.ds)}::date`,
    data_interval_start: `${quoteLiteral(isoTimestamp(ctx.dataIntervalStart, 'dataIntervalStart'))}::timestamptz`,
    data_interval_end: `${quoteLiteral(isoTimestamp(ctx.dataIntervalEnd, 'dataIntervalEnd'))}::timestamptz`,
  };
}

function isoTimestamp(d: Date, what: string): string {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new Error(`run context ${what} is not a valid date`);
  return d.toISOString();
}
