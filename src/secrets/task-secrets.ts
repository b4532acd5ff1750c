/**
 * The secrets one task try has resolved (auth values read from the environment, connection passwords, the
 * object store's secret key), so that text leaving the worker child (log lines, the error, the return
 * value) can be masked as `***`. A worker child runs one try at a time; `beginTaskSecrets` starts the next.
 *
 * Kept on globalThis, not in a module variable: a DAG project may load its own copy of this module (its own
 * sluice install), and its operators must register with the registry the worker child masks with.
 */
export const MASK = '***';

/** Shorter values are not masked: replacing every "abc" in a log would garble it and hide nothing worth hiding. */
export const MIN_SECRET_LENGTH = 4;

interface Registry {
  values: Set<string>;
  pattern: RegExp | null | undefined; // undefined: rebuild; null: nothing to mask
}

const KEY = Symbol.for('sluice.task-secrets');

function registry(): Registry {
  const g = globalThis as { [KEY]?: Registry };
  return (g[KEY] ??= { values: new Set(), pattern: null });
}

/** Forgets the previous try's secrets and registers the ones the job itself carries. */
export function beginTaskSecrets(values: Iterable<string | undefined> = []): void {
  const r = registry();
  r.values.clear();
  r.pattern = null;
  for (const v of values) registerSecret(v);
}

/**
 * Registers a resolved secret for masking until the next try begins. Its URL-encoded and JSON-escaped
 * forms too, since that is how a value often shows up in a URL or a logged object.
 */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  const r = registry();
  for (const form of [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) {
    if (!r.values.has(form)) { r.values.add(form); r.pattern = undefined; }
  }
}

/** The text with every registered secret replaced by `***`. */
export function maskSecrets(text: string): string {
  const pattern = patternOf(registry());
  return pattern && text ? text.replace(pattern, MASK) : text;
}

/** A JSON-like value with every registered secret masked in its strings and keys (a task's return value). */
export function maskSecretsIn<T>(value: T): T {
  if (!patternOf(registry())) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskSecrets(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [maskSecrets(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function patternOf(r: Registry): RegExp | null {
  if (r.pattern === undefined) {
    // Longest first, so a secret that contains another is masked whole.
    const values = [...r.values].sort((a, b) => b.length - a.length);
    r.pattern = values.length ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : null;
  }
  return r.pattern;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
