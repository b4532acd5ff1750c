/**
 * The secrets one task try has resolved (auth values read from the environment, connection passwords, the
 * object store's secret key), so that text leaving the worker child (log lines, the error, the return
 * value) can be masked as `***`. A worker child runs one try at a time; `beginTaskSecrets` starts the next.
 *
 * The try's registry is kept on globalThis, not in a module variable: a DAG project may load its own copy
 * of this module (its own sluice install), and its operators must register with the registry the worker
 * child masks with.
 */
export const MASK = '***';

/** Shorter values are not masked: replacing every "abc" in a log would garble it and hide nothing worth hiding. */
export const MIN_SECRET_LENGTH = 4;

/** A set of secret values and the masking they imply. */
export class SecretSet {
  private readonly values = new Set<string>();
  private pattern: RegExp | null | undefined = null; // undefined: rebuild; null: nothing to mask

  /** Adds a value, with its URL-encoded and JSON-escaped forms (how it often shows up in a URL or a logged object); returns the new forms. */
  add(value: string | undefined | null): string[] {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return [];
    const added = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)].filter(
      (f) => !this.values.has(f),
    );
    for (const f of added) this.values.add(f);
    if (added.length) this.pattern = undefined;
    return [...new Set(added)];
  }

  clear(): void {
    this.values.clear();
    this.pattern = null;
  }

  /** The text with every value replaced by `***`. */
  mask(text: string): string {
    const pattern = this.patternOf();
    return pattern && text ? text.replace(pattern, MASK) : text;
  }

  /** A JSON-like value with every secret masked in its strings and keys (a task's return value). */
  maskIn<T>(value: T): T {
    if (!this.patternOf()) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.mask(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.mask(k), walk(x)]));
      return v;
    };
    return walk(value) as T;
  }

  private patternOf(): RegExp | null {
    if (this.pattern === undefined) {
      // Longest first, so a secret that contains another is masked whole.
      const values = [...this.values].sort((a, b) => b.length - a.length);
      this.pattern = values.length ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : null;
    }
    return this.pattern;
  }
}

interface Registry {
  readonly secrets: SecretSet;
  onAdded?: (forms: string[]) => void;
}

const KEY = Symbol.for('sluice.task-secrets');

function registry(): Registry {
  const g = globalThis as { [KEY]?: Registry };
  return (g[KEY] ??= { secrets: new SecretSet() });
}

/**
 * Forgets the previous try's secrets and registers the ones the job itself carries. `onAdded` hears of
 * each value registered from now on (the worker child tells the executor, which masks output that does
 * not pass through the child's JavaScript, such as a subprocess writing to inherited stdio).
 */
export function beginTaskSecrets(values: Iterable<string | undefined> = [], onAdded?: (forms: string[]) => void): void {
  const r = registry();
  r.secrets.clear();
  r.onAdded = onAdded;
  for (const v of values) registerSecret(v);
}

/** Registers a resolved secret for masking until the next try begins. */
export function registerSecret(value: string | undefined | null): void {
  const r = registry();
  const added = r.secrets.add(value);
  if (added.length) r.onAdded?.(added);
}

/** The text with every registered secret replaced by `***`. */
export function maskSecrets(text: string): string {
  return registry().secrets.mask(text);
}

/** A JSON-like value with every registered secret masked in its strings and keys. */
export function maskSecretsIn<T>(value: T): T {
  return registry().secrets.maskIn(value);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
