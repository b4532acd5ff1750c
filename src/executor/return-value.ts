import type { JsonValue } from '../dag/types';
import { textFlaw } from '../db/quote';
import { SluiceError } from '../errors/errors';

export const MAX_RETURN_BYTES = 1_000_000;

/**
 * A task's return value as the JSON its downstream tasks will receive, or an error naming the
 * first part JSON cannot carry faithfully (a Map would arrive as `{}`, a bigint cannot be written,
 * NaN would arrive as null). Objects with a `toJSON` method (Date, decimal types) choose their
 * own JSON form and are taken as it.
 */
export function toReturnValue(
  value: unknown,
  maxBytes = MAX_RETURN_BYTES,
  what = 'the return value',
): JsonValue | undefined {
  if (value === undefined) return undefined;
  const json = check(value, what, new Set());
  const text = JSON.stringify(json);
  if (text.length > maxBytes) {
    throw new SluiceError(
      'USAGE',
      `${what} is ${text.length} bytes of JSON; at most ${maxBytes} are stored (write large data to the object store or a table and return its name)`,
    );
  }
  return json;
}

function check(v: unknown, at: string, seen: Set<object>): JsonValue {
  const bad = (what: string, fix: string) =>
    new SluiceError('USAGE', `${at} is ${what}, which JSON cannot carry to downstream tasks: ${fix}`);
  switch (typeof v) {
    case 'string':
      switch (textFlaw(v)?.kind) {
        case 'nul':
          throw bad(
            'a string with a NUL byte (\\u0000)',
            'Postgres cannot store it in JSON; remove it or encode the data',
          );
        case 'lone surrogate':
          throw bad(
            'a string with a lone UTF-16 surrogate (not valid Unicode)',
            'Postgres cannot store it in JSON; remove it or encode the data',
          );
      }
      return v;
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw bad(String(v), 'return null or a string instead');
      return v;
    case 'bigint':
      throw bad(`a bigint (${v}n)`, 'return it as a string or a number');
    case 'undefined':
      throw bad('undefined', 'use null, or leave the property out');
    case 'function':
      throw bad('a function', 'return data only');
    case 'symbol':
      throw bad('a symbol', 'return a string instead');
  }
  if (v === null) return null;
  const o = v as object;
  if (seen.has(o)) throw bad('a reference back to a containing object (a cycle)', 'return a tree, not a graph');
  if (o instanceof Map) throw bad(`a Map (${o.size} entries)`, 'return Object.fromEntries(map) or an array of pairs');
  if (o instanceof Set) throw bad(`a Set (${o.size} values)`, 'return [...set]');
  if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer)
    throw bad('binary data', 'write it to the object store and return its key, or return base64 text');
  if (typeof (o as { toJSON?: unknown }).toJSON === 'function') {
    return check((o as { toJSON(): unknown }).toJSON(), at, seen);
  }
  seen.add(o);
  try {
    if (Array.isArray(o)) return o.map((x, i) => check(x, `${at}[${i}]`, seen));
    const proto = Object.getPrototypeOf(o);
    // A plain object: its prototype is null or an Object.prototype (of any realm).
    if (proto !== null && Object.getPrototypeOf(proto) !== null) {
      throw bad(
        `an instance of ${proto?.constructor?.name ?? 'a class'}`,
        'return a plain object with the fields downstream tasks need',
      );
    }
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(o)) {
      if (x === undefined) continue; // an absent property reads as undefined too: nothing is lost
      out[k] = check(x, `${at}${/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`, seen);
    }
    return out;
  } finally {
    seen.delete(o);
  }
}
