/**
 * Renders a parsed Handlebars AST directly. Handlebars' own `compile` generates and evals
 * JavaScript per template (~0.3 ms each: most of the time for a 2,000-model project); walking the
 * AST costs next to nothing and has the same semantics for what models use: content, `{{path}}`,
 * helpers with params, hash and subexpressions, block helpers, sections, `@index`/`@first`/`@last`/
 * `@key`/`@root`, `../`, block params, outer names inside blocks (compat mode) and partials with indentation. Never HTML-escaped.
 *
 * A path that names nothing is an error at its position (Handlebars' strict mode, and stricter:
 * in strict mode a helper's argument may be missing). A printed `{{path}}` must resolve fully. As an
 * argument (`{{#each x}}`, `{{#if x}}`, `(helper x)`), a path may end in a missing key only of an
 * object that varies (a loop item, a `with` context, an object reached from one of them), and a
 * macro's plain name may be an argument its caller left out; in the root context and below it
 * (`vars.x` in a model), or on a value that is no object, a missing name is a mistake too.
 */
import { didYouMean } from '../../util/did-you-mean';
import type { Program } from './parse';

type Loc = hbs.AST.SourceLocation;
type Path = hbs.AST.PathExpression;

/** A template mistake found while rendering, at a position of the template named by `loc.source`. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly loc: Loc,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface Frame {
  readonly root: unknown;
  readonly _parent?: Frame;
  [key: string]: unknown;
}

/** What a block helper passes to its block: data (`@index` …), block params, named locals (`let`). */
export interface BlockOptions {
  readonly data?: Frame;
  readonly blockParams?: unknown[];
  readonly locals?: Readonly<Record<string, unknown>>;
}

export interface HelperOptions {
  fn(context: unknown, o?: BlockOptions): string;
  inverse(context: unknown, o?: BlockOptions): string;
  readonly hash: Record<string, unknown>;
  readonly data: Frame;
  readonly loc: Loc;
  readonly name: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- helpers take whatever the template passes
export type Helper = (this: unknown, ...args: any[]) => unknown;

export interface TemplateRuntime {
  readonly helpers: Readonly<Record<string, Helper>>;
  readonly partials: ReadonlyMap<string, Program>;
  /** Turns a printed value into text (default `String(value)`); models mark SQL values here. */
  readonly print?: (value: unknown, loc: Loc, expression: string) => string;
  /** Objects besides the root context whose missing keys are mistakes wherever they are used (models: vars). */
  readonly closed?: (value: object) => boolean;
  /**
   * Where a template mistake goes when rendering should go on to find the next one (the statement
   * with the mistake renders nothing); without it the first mistake is thrown.
   */
  readonly report?: (error: TemplateError) => void;
}

interface Scope {
  readonly depths: readonly unknown[];
  readonly data: Frame;
  readonly params: readonly { names: readonly string[]; values: readonly unknown[] }[];
  /** Inside a partial (a macro): a name its caller did not pass is an absent argument, not a mistake. */
  readonly partial?: boolean;
}

const has = (obj: unknown, key: string) =>
  obj !== null && obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);

export function renderTemplate(rt: TemplateRuntime, program: Program, context: unknown): string {
  return renderProgram(rt, program, { depths: [context], data: { root: context }, params: [] });
}

function renderProgram(rt: TemplateRuntime, program: Program, scope: Scope): string {
  let out = '';
  for (const s of program.body) {
    if (!rt.report || s.type === 'ContentStatement') out += renderStatement(rt, s, scope);
    else {
      try {
        out += renderStatement(rt, s, scope);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        rt.report(e);
      }
    }
  }
  return out;
}

function renderStatement(rt: TemplateRuntime, s: hbs.AST.Statement, scope: Scope): string {
  switch (s.type) {
    case 'ContentStatement':
      return (s as hbs.AST.ContentStatement).value;
    case 'CommentStatement':
      return '';
    case 'MustacheStatement':
    case 'BlockStatement': {
      const m = s as hbs.AST.MustacheStatement | hbs.AST.BlockStatement;
      const block = s.type === 'BlockStatement' ? (s as hbs.AST.BlockStatement) : undefined;
      const value = call(rt, m, m.path, m.params, m.hash, scope, block);
      if (value === null || value === undefined) return '';
      return rt.print ? rt.print(value, m.loc, expressionText(m)) : String(value);
    }
    case 'PartialStatement':
      return partial(rt, s as hbs.AST.PartialStatement, scope);
    default:
      throw new TemplateError(`${s.type} is not supported in models`, s.loc);
  }
}

/** A printed expression as it could be written inside another call: `m`, `vars.x`, `(var "x")`. */
function expressionText(node: {
  path: Path | hbs.AST.Literal;
  params: hbs.AST.Expression[];
  hash?: hbs.AST.Hash;
}): string {
  const text = (e: hbs.AST.Expression): string => {
    if (e.type === 'PathExpression') return (e as Path).original;
    if (e.type === 'StringLiteral') return JSON.stringify((e as hbs.AST.StringLiteral).value);
    if (e.type === 'SubExpression') return `(${expressionText(e as hbs.AST.SubExpression)})`;
    return String((e as hbs.AST.NumberLiteral).value);
  };
  const parts = [
    text(node.path),
    ...node.params.map(text),
    ...(node.hash?.pairs ?? []).map((p) => `${p.key}=${text(p.value)}`),
  ];
  return parts.length === 1 ? parts[0] : `(${parts.join(' ')})`;
}

function call(
  rt: TemplateRuntime,
  node: hbs.AST.Node,
  path: Path | hbs.AST.Literal,
  params: hbs.AST.Expression[],
  hash: hbs.AST.Hash | undefined,
  scope: Scope,
  block: hbs.AST.BlockStatement | undefined,
): unknown {
  const p = path as Path;
  const name = path.type === 'PathExpression' && simpleId(p) ? p.parts[0] : undefined;
  const helper =
    name !== undefined && Object.prototype.hasOwnProperty.call(rt.helpers, name) ? rt.helpers[name] : undefined;
  const isCall = params.length > 0 || (hash?.pairs.length ?? 0) > 0 || node.type === 'SubExpression';
  if (!helper && isCall)
    throw new TemplateError(
      `unknown helper "${path.type === 'PathExpression' ? p.original : String((path as hbs.AST.StringLiteral).value)}"`,
      node.loc,
    );
  const context = scope.depths[0];
  if (!helper && !block)
    return path.type === 'PathExpression' ? lookup(rt, p, scope, 'print') : (path as hbs.AST.StringLiteral).value;
  const options: HelperOptions = {
    fn: programFn(rt, block?.program, scope),
    inverse: programFn(rt, block?.inverse, scope),
    hash: evalHash(rt, hash, scope),
    data: scope.data,
    loc: node.loc,
    name: name ?? '',
  };
  if (helper) return helper.call(context, ...params.map((e) => evaluate(rt, e, scope)), options);
  // A section: `{{#vars.flag}}…{{/vars.flag}}` (Handlebars' blockHelperMissing).
  const value = lookup(rt, p, scope, 'argument');
  if (value === true) return options.fn(context);
  if (value === false || value === null || value === undefined) return options.inverse(context);
  if (Array.isArray(value))
    return value.length ? rt.helpers.each.call(context, value, options) : options.inverse(context);
  return options.fn(value);
}

function programFn(rt: TemplateRuntime, program: Program | undefined, scope: Scope): HelperOptions['fn'] {
  if (!program) return () => '';
  return (context, o) => {
    const depths = context === scope.depths[0] ? scope.depths : [context, ...scope.depths];
    const names = program.blockParams ?? [];
    let params = names.length && o?.blockParams ? [...scope.params, { names, values: o.blockParams }] : scope.params;
    if (o?.locals) params = [...params, { names: Object.keys(o.locals), values: Object.values(o.locals) }];
    return renderProgram(rt, program, { depths, data: o?.data ?? scope.data, params, partial: scope.partial });
  };
}

function evaluate(rt: TemplateRuntime, e: hbs.AST.Expression, scope: Scope): unknown {
  switch (e.type) {
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return (e as hbs.AST.StringLiteral).value;
    case 'NullLiteral':
      return null;
    case 'UndefinedLiteral':
      return undefined;
    case 'PathExpression':
      return lookup(rt, e as Path, scope, 'argument');
    case 'SubExpression': {
      const s = e as hbs.AST.SubExpression;
      return call(rt, s, s.path, s.params, s.hash, scope, undefined);
    }
    default:
      throw new TemplateError(`${e.type} is not supported in models`, e.loc);
  }
}

function evalHash(rt: TemplateRuntime, hash: hbs.AST.Hash | undefined, scope: Scope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of hash?.pairs ?? []) out[pair.key] = evaluate(rt, pair.value, scope);
  return out;
}

function simpleId(p: Path): boolean {
  return p.parts.length === 1 && !p.data && !p.depth && !/^\.|this\b/.test(p.original);
}

const isPlainObject = (v: unknown): boolean => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Own properties only (as Handlebars): nothing from prototypes reaches SQL. `print`: every name
 * must resolve. `argument`: see the file comment; a path is "fixed" once it passes through the
 * root context or a closed object, and from there on every key must exist.
 */
function lookup(rt: TemplateRuntime, p: Path, scope: Scope, mode: 'print' | 'argument'): unknown {
  let base: unknown;
  let start = 0;
  if (p.data) {
    let frame: Frame | undefined = scope.data;
    for (let d = p.depth; d > 0 && frame; d--) frame = frame._parent;
    base = frame;
  } else {
    base = scope.depths[Math.min(p.depth, scope.depths.length - 1)];
    if (!p.depth && p.parts.length && !/^\.|this\b/.test(p.original)) {
      for (let i = scope.params.length - 1; i >= 0; i--) {
        const at = scope.params[i].names.indexOf(p.parts[0]);
        if (at !== -1) {
          base = scope.params[i].values[at];
          start = 1;
          break;
        }
      }
      // Names from outside a block stay in reach inside it ({{ds}}, {{vars.x}} in an each), as in
      // Jinja and Handlebars' compat mode: the nearest enclosing context that has the name.
      if (start === 0 && !has(base, p.parts[0])) base = scope.depths.find((d) => has(d, p.parts[0])) ?? base;
    }
  }
  const closed = (v: unknown) =>
    v !== null && typeof v === 'object' && (v === scope.data.root || (rt.closed?.(v) ?? false));
  let fixed = false;
  let value = base;
  for (let i = start; i < p.parts.length; i++) {
    const key = p.parts[i];
    if (!has(value, key)) {
      // @index, @key…: absent outside a loop; @root.x is the root context's x like any other.
      if (p.data && !fixed && !closed(value)) return undefined;
      const open = !fixed && !closed(value) && (value == null || Array.isArray(value) || isPlainObject(value));
      if (mode === 'argument' && (open || (i === 0 && scope.partial))) return undefined;
      const owner = i === 0 ? 'the template context' : `${p.data ? '@' : ''}${p.parts.slice(0, i).join('.')}`;
      const keys = i === 0 ? visibleNames(scope, p.depth) : ownKeys(value);
      throw new TemplateError(
        `"${p.original}" is not defined: ${owner} has no "${key}"${didYouMean(key, keys)}`,
        p.loc,
      );
    }
    if (closed(value)) fixed = true;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const ownKeys = (v: unknown): string[] => (v !== null && typeof v === 'object' ? Object.keys(v) : []);

/** The names a plain name could have meant: block params and locals, then the contexts inside out. */
function visibleNames(scope: Scope, depth: number): string[] {
  if (depth) return ownKeys(scope.depths[Math.min(depth, scope.depths.length - 1)]);
  return [...scope.params.flatMap((p) => [...p.names].reverse()).reverse(), ...scope.depths.flatMap(ownKeys)];
}

/** `{{> name}}`, `{{> name other_context}}`, `{{> name key=value}}`; a standalone one is indented like its line. */
function partial(rt: TemplateRuntime, s: hbs.AST.PartialStatement, scope: Scope): string {
  const name = (s.name as Path).original;
  const program = rt.partials.get(name);
  if (!program) throw new TemplateError(`unknown macro "${name}"`, s.loc);
  let context = s.params.length ? evaluate(rt, s.params[0], scope) : scope.depths[0];
  if (s.hash?.pairs.length) context = { ...(context as object), ...evalHash(rt, s.hash, scope) };
  // The caller's contexts stay in reach for outer names, as in Handlebars' compat mode: a macro
  // used inside an {{#each}} still sees {{ds}} and {{vars.x}}.
  const depths = context === scope.depths[0] ? scope.depths : [context, ...scope.depths];
  const result = renderProgram(rt, program, { depths, data: scope.data, params: [], partial: true });
  if (!s.indent) return result;
  const lines = result.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i] && i + 1 === lines.length) break;
    lines[i] = s.indent + lines[i];
  }
  return lines.join('\n');
}
