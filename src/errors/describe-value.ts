/**
 * A value as a message shows it, with its type: `the string "3"`, `the number 2.5`, `null`,
 * `an array ["a"]`, `an object {"status":503}`. "got 3" for the string '3' hid the mistake.
 */
export function describeValue(v: unknown, max = 200): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return `the string ${clip(JSON.stringify(v), max)}`;
    case 'number':
      return `the number ${String(v)}`;
    case 'bigint':
      return `the bigint ${String(v)}n`;
    case 'boolean':
      return `the boolean ${String(v)}`;
    case 'symbol':
      return `the symbol ${String(v)}`;
    case 'function':
      return `a function${(v as { name?: string }).name ? ` (${(v as { name: string }).name})` : ''}`;
  }
  if (Array.isArray(v)) return `an array ${clip(safeJson(v), max)}`;
  if (v instanceof Date) return `the Date ${Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()}`;
  if (v instanceof Map) return `a Map of ${v.size} entr${v.size === 1 ? 'y' : 'ies'}`;
  if (v instanceof Set) return `a Set of ${v.size} value${v.size === 1 ? '' : 's'}`;
  if (typeof (v as { then?: unknown }).then === 'function') return 'a Promise';
  const ctor = Object.getPrototypeOf(v)?.constructor?.name;
  const kind = ctor && ctor !== 'Object' ? `a ${ctor} object` : 'an object';
  return `${kind} ${clip(safeJson(v), max)}`;
}

/** JSON for messages: never throws (cycles, bigints, functions shown as markers), nesting cut at `depth`. */
export function safeJson(v: unknown, depth = 4): string {
  const seen = new WeakSet<object>();
  const walk = (x: unknown, d: number): unknown => {
    if (x === undefined) return '[undefined]';
    if (typeof x === 'bigint') return `${x}n`;
    if (typeof x === 'function') return `[function${x.name ? ` ${x.name}` : ''}]`;
    if (typeof x === 'symbol') return String(x);
    if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
    if (x === null || typeof x !== 'object') return x;
    if (seen.has(x)) return '[circular]';
    if (d >= depth) return Array.isArray(x) ? '[array]' : '[object]';
    seen.add(x);
    if (x instanceof Date) return Number.isNaN(x.getTime()) ? 'Invalid Date' : x.toISOString();
    if (x instanceof Map) return Object.fromEntries([...x].map(([k, val]) => [String(k), walk(val, d + 1)]));
    if (x instanceof Set) return [...x].map((val) => walk(val, d + 1));
    if (Array.isArray(x)) return x.map((val) => walk(val, d + 1));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x)) out[k] = walk((x as Record<string, unknown>)[k], d + 1);
    return out;
  };
  try {
    return JSON.stringify(walk(v, 0)) ?? String(v);
  } catch {
    return String(v);
  }
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
