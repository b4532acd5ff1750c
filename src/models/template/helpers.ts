/**
 * Template helpers. Everything they print is SQL-safe: relations quoted, values as literals.
 * A mistake (a missing var, a bad identifier) is recorded with the helper call's file position and
 * rendering goes on, so one render reports every such mistake in the model; the result is discarded.
 */
import { didYouMean } from '../../util/did-you-mean';
import { quoteIdent, quoteQualified } from '../../db/quote';
import type { FilePosition, ModelNode } from '../types';
import type { ProjectState, RenderScope } from '../project-state';
import { filePosition } from './parse';
import {
  literalOf,
  plainValue,
  sqlIdent,
  SqlText,
  SqlValue,
  unwrap,
  valueLabel,
  ValueError,
  wrapValue,
} from './sql-values';
import type { Helper, HelperOptions as Options, TemplateRuntime } from './runtime';
import { markValue } from './value-check';
import { BUILTIN_HELPERS } from './builtin-helpers';
import { EPHEMERAL_PREFIX } from '../materializations/ephemeral';
import { materializationOf } from '../materializations/registry';
import { unknownRefMessage } from '../project-checks';

/** What a model's `{{ref}}` renders to: its relation, or the CTE an ephemeral model is inlined as. */
export function refRelation(node: ModelNode): string {
  return materializationOf(node.config.materialized).inlined
    ? quoteIdent(`${EPHEMERAL_PREFIX}${node.name}`)
    : quoteQualified(node.config.schema, node.name);
}

function scopeOf(state: ProjectState): RenderScope {
  if (!state.scope) throw new Error('model helpers run only while a model renders');
  return state.scope;
}

function positionOf(state: ProjectState, loc: Options['loc']): FilePosition {
  const origin = state.origins.get(loc.source);
  if (!origin) return { file: scopeOf(state).model.path, line: 0, column: 0 };
  return filePosition(origin, loc.start.line, loc.start.column);
}

/**
 * The template runtime's print hook: a SQL value is printed between markers (checked after
 * rendering, value-check.ts); one that cannot become SQL (a NUL byte, an object) is a mistake at
 * its position, naming the var. A value (a var, `concat`) keeps the expression that printed it, for
 * the fix an error suggests (`{{ident (concat m "_amount")}}`).
 */
export function createPrinter(state: ProjectState): NonNullable<TemplateRuntime['print']> {
  return (value, loc, expression) => {
    const label = valueLabel(value);
    if (label === undefined) return String(value);
    const scope = scopeOf(state);
    const at = positionOf(state, loc);
    let text: string;
    try {
      text = String(value);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      scope.issues.push({ message: e.message, ...at });
      return 'NULL';
    }
    const printed = value instanceof SqlValue ? { label, at, expression } : { label, at };
    return markValue(scope.values.push(printed) - 1, text);
  };
}

/** The template runtime's report hook: a mistake the runtime found, at its position; rendering goes on. */
export function createReporter(state: ProjectState): NonNullable<TemplateRuntime['report']> {
  return (e) => {
    scopeOf(state).issues.push({ message: e.message, ...positionOf(state, e.loc) });
  };
}

export function createHelpers(state: ProjectState): Record<string, Helper> {
  const scope = () => scopeOf(state);
  const where = (options: Options): FilePosition => positionOf(state, options.loc);
  /** Records a mistake and returns a placeholder so rendering can go on to find the next one. */
  const fail = (options: Options, message: string): string => {
    scope().issues.push({ message, ...where(options) });
    return 'NULL';
  };
  const guard = (options: Options, fn: () => string, label: string): SqlText | string => {
    try {
      return new SqlText(fn(), label);
    } catch (e) {
      if (e instanceof ValueError) return fail(options, e.message);
      throw e;
    }
  };
  const split = (args: unknown[]): [unknown[], Options] => [args.slice(0, -1), args[args.length - 1] as Options];

  const ref: Helper = (name: unknown, options: Options) => {
    const node = typeof name === 'string' ? state.nodes.get(name) : undefined;
    const seed = typeof name === 'string' ? state.seeds.get(name) : undefined;
    if (seed) return new SqlText(quoteQualified(seed.schema, seed.name), `ref "${seed.name}"`);
    if (!node) return fail(options, unknownRefMessage(String(name), state.nodes, state.seeds));
    const current = scope();
    if (materializationOf(node.config.materialized).inlined && !current.ephemerals.includes(node.name))
      current.ephemerals.push(node.name);
    return new SqlText(refRelation(node), `ref "${node.name}"`);
  };

  const source: Helper = (source: unknown, table: unknown, options: Options) => {
    const tables = state.sources.get(String(source));
    if (!tables) {
      return fail(
        options,
        `unknown source "${String(source)}"${didYouMean(String(source), state.sources.keys())} in sql/sources.yml`,
      );
    }
    const t = tables.get(String(table));
    if (!t) {
      return fail(
        options,
        `source "${String(source)}" has no table "${String(table)}"${didYouMean(String(table), tables.keys())}`,
      );
    }
    return new SqlText(t.relation, `source "${t.source}" "${t.table}"`);
  };

  const variable: Helper = (...args: unknown[]) => {
    const [params, options] = split(args);
    const [name, fallback] = params;
    if (typeof name !== 'string' || params.length > 2)
      return fail(options, 'var takes a var name and optionally a default: {{var "name" "default"}}');
    const vars = scope().vars;
    if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
    if (params.length === 2) {
      // The run context or another var's value stays what it is (`{{var "day" ds}}` is the date).
      if (fallback instanceof SqlText || fallback instanceof SqlValue) return fallback;
      // A list or map default ({{var "methods" (list "a" "b")}}) becomes the var's own value.
      const plain = plainValue(fallback ?? null);
      if (plain === undefined) return fail(options, `var "${name}": the default is ${describe(fallback)}, not a value`);
      return wrapValue(plain, name);
    }
    return fail(
      options,
      `var "${name}" is not set${didYouMean(name, Object.keys(vars))} and has no default ({{var "${name}" "default"}})`,
    );
  };

  const literal: Helper = (...args: unknown[]) => {
    const [params, options] = split(args);
    if (params.length === 1 && params[0] instanceof SqlText) return params[0];
    const usage = () =>
      fail(
        options,
        `literal takes one value (a string, number, boolean, null or list); got ${params.length === 1 ? describe(params[0]) : `${params.length} arguments`}`,
      );
    if (params.length !== 1) return usage();
    const label = valueLabel(params[0]) ?? 'literal';
    const out = guard(options, () => literalOf(params[0], label) ?? '', label);
    return out instanceof SqlText && out.text === '' ? usage() : out;
  };

  const ident: Helper = (...args: unknown[]) => {
    const [params, options] = split(args);
    const parts = params.map(unwrap);
    if (parts.length === 0 || parts.some((p) => typeof p !== 'string' || p === '')) {
      return fail(
        options,
        `ident takes one or more names (non-empty strings), e.g. {{ident "schema" "table"}}; got ${params.map(describe).join(', ') || 'nothing'}`,
      );
    }
    const labels = params.map((p) => valueLabel(p));
    return guard(
      options,
      () => (parts as string[]).map((p, i) => sqlIdent(p, `ident: ${labels[i] ?? 'the name'}`)).join('.'),
      'ident',
    );
  };

  /**
   * `{{concat method "_amount"}}`: the parts joined into one string, a value like a var: printed
   * bare it is a literal, `{{ident (concat …)}}` makes it a quoted name.
   */
  const concat: Helper = (...args: unknown[]) => {
    const [params, options] = split(args);
    const parts = params.map(unwrap);
    const bad = parts.findIndex((p) => typeof p !== 'string' && !(typeof p === 'number' && Number.isFinite(p)));
    if (params.length === 0 || bad !== -1)
      return fail(
        options,
        `concat joins strings and numbers, e.g. {{ident (concat m "_amount")}}; got ${params.length ? `${describe(params[bad])} as part ${bad + 1}` : 'nothing'}`,
      );
    return new SqlValue(parts.join(''), 'concat');
  };

  /** `(list "a" "b")` and `(dict a=1 b="x")`: a list or map written in the template (a var's default, say). */
  const list: Helper = (...args: unknown[]) => {
    const [params, options] = split(args);
    const plain = params.map(plainValue);
    const bad = plain.indexOf(undefined);
    if (bad !== -1) return fail(options, `list items are values; item ${bad + 1} is ${describe(params[bad])}`);
    return wrapValue(plain as never, 'list', (p) => p);
  };
  const dict: Helper = (options: Options) => {
    const plain = plainValue(options.hash);
    if (plain === undefined) return fail(options, 'dict takes key=value pairs of values, e.g. (dict eu="Europe")');
    return wrapValue(plain, 'dict', (p) => p);
  };

  const thisRelation: Helper = (options: Options) => {
    const model = scope().model;
    if (materializationOf(model.config.materialized).inlined)
      return fail(
        options,
        `{{this}}: ephemeral model ${model.name} has no relation of its own (it is inlined where it is used)`,
      );
    return new SqlText(quoteQualified(model.config.schema, model.name), 'this');
  };

  return {
    ...BUILTIN_HELPERS,
    ref,
    source,
    var: variable,
    literal,
    ident,
    concat,
    list,
    dict,
    this_relation: thisRelation,
  };
}

function describe(value: unknown): string {
  const raw = unwrap(value);
  if (raw === undefined) return 'nothing (undefined)';
  if (Array.isArray(raw)) return 'a list';
  if (raw !== null && typeof raw === 'object') return 'an object';
  return JSON.stringify(raw);
}
