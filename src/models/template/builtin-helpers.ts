/**
 * Handlebars' built-in block helpers (`if`, `unless`, `each`, `with`, `lookup`) and `let`, as the template
 * runtime calls them; conditions see a var's value, not its SQL literal.
 */
import type { Frame, Helper, HelperOptions } from './runtime';
import { SqlValue, unwrap, wrappedLabel } from './sql-values';

/** Handlebars' `isEmpty`: falsy but not 0, or an empty list. */
const isEmpty = (v: unknown) => (!v && v !== 0) || (Array.isArray(v) && v.length === 0);

const frame = (data: Frame, extra: Record<string, unknown>): Frame => ({ ...data, ...extra, _parent: data });

function ifHelper(this: unknown, condition: unknown, options: HelperOptions): string {
  const value = unwrap(condition);
  if ((!options.hash.includeZero && !value) || isEmpty(value)) return options.inverse(this);
  return options.fn(this);
}

export const BUILTIN_HELPERS: Readonly<Record<string, Helper>> = {
  if: ifHelper,
  unless(this: unknown, condition: unknown, options: HelperOptions): string {
    return ifHelper.call(this, condition, { ...options, fn: options.inverse, inverse: options.fn });
  },
  each(this: unknown, list: unknown, options: HelperOptions): string {
    let out = '';
    if (list && typeof list === 'object') {
      const entries: [string | number, unknown][] = Array.isArray(list)
        ? list.map((v, i) => [i, v])
        : Object.entries(list);
      // The keys of an object from vars are values too: {{@key}} prints them as literals.
      const label = Array.isArray(list) ? undefined : wrappedLabel(list);
      entries.forEach(([rawKey, value], index) => {
        const key = label === undefined ? rawKey : new SqlValue(String(rawKey), `${label} key`);
        const data = frame(options.data, { key, index, first: index === 0, last: index === entries.length - 1 });
        out += options.fn(value, { data, blockParams: [value, key] });
      });
      if (entries.length) return out;
    }
    return options.inverse(this);
  },
  with(this: unknown, context: unknown, options: HelperOptions): string {
    if (isEmpty(unwrap(context))) return options.inverse(this);
    return options.fn(context, { data: options.data, blockParams: [context] });
  },
  /**
   * Local names for a block, the context kept: `{{#let col=(concat m "_amount")}}…{{col}}…{{/let}}`
   * (dbt's `{% set %}`), or `{{#let (…) as |col|}}`.
   */
  let(this: unknown, ...args: unknown[]): string {
    const options = args[args.length - 1] as HelperOptions;
    return options.fn(this, { data: options.data, blockParams: args.slice(0, -1), locals: options.hash });
  },
  lookup(obj: unknown, field: unknown): unknown {
    if (obj === null || obj === undefined) return obj;
    const key = String(unwrap(field));
    return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
  },
};
