import { SluiceError, ValidationError, type Issue } from '../errors/errors';
import { describeValue } from '../errors/describe-value';
import { textFlaw } from '../db/quote';
import type { JsonObject } from './types';

/** Deeper nesting is refused: Postgres's jsonb and JSON.stringify run out of stack on it long before any use for it. */
export const MAX_CONF_DEPTH = 64;
export const MAX_CONF_CHARS = 1_000_000;

/**
 * `--conf` text (trigger, dags test, backfill, tasks test) → a JSON object Postgres stores as
 * given. A NUL, a lone surrogate, a number JSON cannot carry or nesting past MAX_CONF_DEPTH got a
 * raw parser or Postgres error (or was stored changed); each is named with the option and the
 * JSON path of the bad value.
 */
export function parseConf(raw: string, option = '--conf'): JsonObject {
  if (raw.length > MAX_CONF_CHARS)
    throw new SluiceError(
      'USAGE',
      `${option} is ${raw.length.toLocaleString('en-US')} characters; at most ${MAX_CONF_CHARS.toLocaleString('en-US')} are taken (put large inputs in a file or the object store)`,
    );
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new SluiceError('USAGE', `${option} is not valid JSON: ${(e as Error).message} (e.g. --conf '{"days": 3}')`);
  }
  return checkConf(v, option);
}

/** A conf given as a value (an action called from code or a web route): the same rules. */
export function checkConf(v: unknown, what = 'conf'): JsonObject {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new SluiceError('USAGE', `${what} must be a JSON object, e.g. '{"days": 3}', got ${describeValue(v, 80)}`);
  const issues: Issue[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: v, path: '$', depth: 1 }];
  while (stack.length && issues.length < 10) {
    const { value, path, depth } = stack.pop()!;
    const problem = badScalar(value);
    if (problem) {
      issues.push({ message: `${path} ${problem}` });
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth > MAX_CONF_DEPTH) {
      issues.push({ message: `${path} is nested more than ${MAX_CONF_DEPTH} levels deep` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      issues.push({ message: `${path} is ${describeValue(value, 60)}, not a JSON value` });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const keyProblem = badText(key);
      const child = `${path}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
      if (keyProblem) issues.push({ message: `the key ${child} ${keyProblem}` });
      else stack.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  if (issues.length === 1) throw new SluiceError('USAGE', `${what}: ${issues[0].message}`, issues);
  if (issues.length) throw new ValidationError('USAGE', what, issues);
  return v as JsonObject;
}

function badScalar(v: unknown): string | undefined {
  if (typeof v === 'string') return badText(v);
  if (typeof v === 'number')
    return Number.isFinite(v)
      ? undefined
      : `is the number ${v}, which JSON cannot carry${Number.isNaN(v) ? '' : ' (a number too large?)'}`;
  if (v === null || typeof v === 'boolean' || typeof v === 'object') return undefined;
  return `is ${describeValue(v)}, not a JSON value`;
}

/** Postgres text and jsonb cannot hold NUL, nor a UTF-16 surrogate without its pair. */
function badText(s: string): string | undefined {
  const flaw = textFlaw(s);
  if (flaw?.kind === 'nul')
    return `contains a NUL character (\\u0000) at position ${flaw.at}, which Postgres cannot store`;
  if (flaw)
    return `contains a lone UTF-16 surrogate (\\u${flaw.code.toString(16)}) at position ${flaw.at}, which is not valid Unicode`;
  return undefined;
}
