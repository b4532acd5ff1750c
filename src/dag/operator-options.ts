import { describeValue } from '../errors/describe-value';
import { COLUMN_TYPES } from '../lake/column-types';
import { didYouMean } from '../util/did-you-mean';

/**
 * The options an operator takes beyond the task options, checked when the DAG file is parsed: a DAG
 * file has no type checker between it and the parser, and a missing `columns` surfaced as
 * "Cannot read properties of undefined (reading 'map')". Each problem names the option and what it
 * expects; defineDag reports it with the task's id at the task's line. Unknown options are
 * defineTask's (it is given these names for its did-you-mean).
 */
export interface OptionRule {
  readonly required?: boolean;
  /** What it takes, for "columns is required: a list of columns ({ name, type })". */
  readonly expects: string;
  /** The problems of a given value (not undefined), each naming `name`. */
  readonly check: (v: unknown, name: string) => string[];
}

export type OptionRules = Readonly<Record<string, OptionRule>>;

/** The problems of `spec`'s options under `rules` (missing required ones, values of the wrong type). */
export function checkOptions(spec: object, rules: OptionRules): string[] {
  const given = (spec ?? {}) as Record<string, unknown>;
  return Object.entries(rules).flatMap(([name, rule]) => {
    const v = given[name];
    if (v === undefined) return rule.required ? [`${name} is required: ${rule.expects}`] : [];
    return rule.check(v, name);
  });
}

/** A rule from a test and the words for what it accepts. */
function rule(what: string, ok: (v: unknown) => boolean, more?: (v: unknown, name: string) => string[]) {
  return {
    expects: what,
    check: (v: unknown, name: string) =>
      ok(v) ? (more?.(v, name) ?? []) : [`${name} must be ${what}, got ${describeValue(v)}`],
  };
}

/** The rule, for an option that must be given. */
export const required = (r: OptionRule): OptionRule => ({ ...r, required: true });

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export const string = rule('a string', (v) => typeof v === 'string');
export const boolean = rule('true or false', (v) => typeof v === 'boolean');
export const object = (what = 'an object') => rule(what, isObject);
export const list = rule('a list', Array.isArray);
export const stringList = rule('a list of strings', (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'));
/** A templated field: a string (with `{{ds}}` …) or a function of the task context. */
export const templated = rule(
  'a string or a function (ctx) => …',
  (v) => typeof v === 'string' || typeof v === 'function',
);
/** A secret from the environment (`{ env: 'X' }`) or the value itself. */
export const secret = rule(
  "a string or { env: 'VARIABLE' }",
  (v) => typeof v === 'string' || (isObject(v) && typeof v.env === 'string'),
);

export const wholeNumber = (min: number) =>
  rule(`a whole number >= ${min}`, (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min);

export const oneOf = (...values: readonly string[]) =>
  rule(
    values.map((x) => `'${x}'`).join(' or '),
    (v) => typeof v === 'string',
    (v, name) =>
      values.includes(v as string)
        ? []
        : [
            `${name} must be ${values.map((x) => `'${x}'`).join(' or ')}, got ${describeValue(v)}${didYouMean(v as string, values)}`,
          ],
  );

/** Every value of an object (headers, env) by one rule. */
export const recordOf = (what: string, value: OptionRule) =>
  rule(`an object of ${what}`, isObject, (v, name) =>
    Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => value.check(x, `${name}.${k}`)),
  );

/** Column specs: `[{ name: 'id', type: 'integer' }, …]`, each type one of the column types. */
export const columns = rule('a list of columns ({ name, type })', Array.isArray, (v, name) =>
  (v as unknown[]).flatMap((c, i) => {
    const at = `${name}[${i}]`;
    if (!isObject(c)) return [`${at} must be a column ({ name, type }), got ${describeValue(c)}`];
    const out: string[] = [];
    if (typeof c.name !== 'string' || !c.name)
      out.push(`${at}.name must be a column name, got ${describeValue(c.name)}`);
    if (typeof c.type !== 'string' || !(COLUMN_TYPES as readonly string[]).includes(c.type))
      out.push(
        `${at}.type must be one of ${COLUMN_TYPES.join(', ')}, got ${describeValue(c.type)}${typeof c.type === 'string' ? didYouMean(c.type, COLUMN_TYPES) : ''}`,
      );
    if (c.nullable !== undefined && typeof c.nullable !== 'boolean')
      out.push(`${at}.nullable must be true or false, got ${describeValue(c.nullable)}`);
    return out;
  }),
);
