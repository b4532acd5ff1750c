/**
 * A column's type as Postgres reports it (format_type: `integer`, `character varying(20)`,
 * `timestamp with time zone`). Expected names go through Postgres' own type-name parser, so every
 * alias it knows works (`int4`, `INT`, `varchar`, `timestamptz`, `float8`, `bool`, `int[]`); a name
 * with modifiers (`varchar(20)`, `numeric(10,2)`) must match them too.
 */
import type { ExpectationType, Key, Kwargs, MetricPlan, Planner, Read } from '../expectation';
import { columnName, kwargsSchema } from './kwargs';

const typeName = { type: 'string', minLength: 1 } as const;
const squash = (s: string) => s.toLowerCase().replace(/\s+/g, '');

/** Whether a column of type `full` (base `base`) is of the expected type `wanted` (canonical base `canonical`). */
export function typeMatches(wanted: string, canonical: string | null, full: string, base: string): boolean {
  if (!canonical) return false;
  const mods = /\(.*\)/.exec(wanted)?.[0];
  if (!mods) return canonical === base;
  return (
    squash(wanted) === squash(full) ||
    squash(`${canonical}${mods}`) === squash(full) ||
    squash(canonical.replace(/^(\w+)/, `$1${mods}`)) === squash(full)
  );
}

function planTypes(k: Kwargs, p: Planner, names: readonly string[], path: (i: number) => string): MetricPlan {
  const col = p.table.byName.get(k.column);
  const keys: Key[] = names.map((n, i) => p.regtype(n.replace(/\(.*\)/, ''), path(i)));
  return {
    kind: 'metric',
    evaluate(read: Read) {
      const full = col?.type ?? '';
      const hit = names.findIndex((n, i) => typeMatches(n, read(keys[i]) as string | null, full, col?.baseType ?? ''));
      const wanted = names.length === 1 ? names[0] : `one of ${names.join(', ')}`;
      return {
        success: hit >= 0,
        observed: full,
        summary: `${k.column} is ${full}${hit >= 0 ? '' : `, not ${wanted}`}`,
      };
    },
  };
}

export const COLUMN_TYPE_TYPES: readonly ExpectationType[] = [
  {
    name: 'expect_column_values_to_be_of_type',
    group: 'Column type',
    description: "The column's type is type_ (a Postgres type name or alias; with modifiers, they must match).",
    kwargs: kwargsSchema({ column: columnName, type_: typeName }, ['column', 'type_']),
    refs: (k) => [{ kind: 'column', path: 'column', column: k.column }],
    onEmpty: 'independent of rows',
    plan: (k, p) => planTypes(k, p, [k.type_], () => 'type_'),
  },
  {
    name: 'expect_column_values_to_be_in_type_list',
    group: 'Column type',
    description: "The column's type is one of type_list.",
    kwargs: kwargsSchema({ column: columnName, type_list: { type: 'array', items: typeName, minItems: 1 } }, [
      'column',
      'type_list',
    ]),
    refs: (k) => [{ kind: 'column', path: 'column', column: k.column }],
    onEmpty: 'independent of rows',
    plan: (k, p) => planTypes(k, p, k.type_list, (i) => `type_list/${i}`),
  },
];
