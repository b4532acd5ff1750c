/** JSON Schema pieces and checks the expectation types share, so kwargs read the same everywhere. */
import type { JsonSchema, KwargProblem, Kwargs } from '../expectation';

export const columnName = { type: 'string', minLength: 1 } as const;
export const mostly = { type: 'number', minimum: 0, maximum: 1 } as const;
/** Bounds are numbers, or strings Postgres casts to the column's type (dates, timestamps); null means open. */
export const bound = { type: ['number', 'string', 'null'] } as const;
export const numberBound = { type: ['number', 'null'] } as const;
export const countBound = { type: ['integer', 'null'], minimum: 0 } as const;
export const flag = { type: 'boolean' } as const;
export const valueSet = { type: 'array', items: { type: ['string', 'number', 'boolean'] } } as const;
export const columnList = { type: 'array', items: columnName, minItems: 1 } as const;

export function kwargsSchema(properties: Record<string, unknown>, required: readonly string[] = []): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}

/** GX requires at least one of min_value / max_value, and min ≤ max when both are numbers. */
export function checkBounds(k: Kwargs, min = 'min_value', max = 'max_value'): KwargProblem[] {
  const lo = k[min] ?? null;
  const hi = k[max] ?? null;
  if (lo === null && hi === null) return [{ path: min, message: `give ${min}, ${max} or both` }];
  if (typeof lo === 'number' && typeof hi === 'number' && lo > hi)
    return [{ path: max, message: `${max} (${hi}) is below ${min} (${lo})` }];
  return [];
}

/** A SQL fragment spliced into a query: one statement only. */
export function checkNoSemicolon(sql: unknown, path: string): KwargProblem[] {
  return typeof sql === 'string' && sql.includes(';')
    ? [{ path, message: 'must not contain ";" (one query, spliced into a larger one)' }]
    : [];
}

/** SQL written by users in parentheses; the closing one on its own line when a `--` comment could swallow it. */
export function enclose(sql: string): string {
  return sql.includes('--') ? `(${sql}\n)` : `(${sql})`;
}

/** `>= min` / `> min` and `<= max` / `< max` on an expression; the literals are already SQL. */
export function betweenSql(
  expr: string,
  min: string | undefined,
  max: string | undefined,
  strictMin = false,
  strictMax = false,
): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${expr} ${strictMin ? '>' : '>='} ${min}`);
  if (max !== undefined) parts.push(`${expr} ${strictMax ? '<' : '<='} ${max}`);
  return parts.length ? parts.join(' AND ') : 'true';
}

/** "between 1 and 5", "at least 1", "above 0" … for summaries. */
export function describeBounds(min: unknown, max: unknown, strictMin = false, strictMax = false): string {
  const has = (v: unknown) => v !== undefined && v !== null;
  const lo = has(min) ? `${strictMin ? 'above' : 'at least'} ${fmt(min)}` : '';
  const hi = has(max) ? `${strictMax ? 'below' : 'at most'} ${fmt(max)}` : '';
  if (lo && hi) return !strictMin && !strictMax ? `between ${fmt(min)} and ${fmt(max)}` : `${lo} and ${hi}`;
  return lo || hi;
}

export function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** Counts and numeric aggregates arrive as strings (bigint, numeric): numbers for JSON results. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
