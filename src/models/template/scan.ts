/**
 * One walk over a parsed template: the `ref`/`source` uses and partials it names (dependencies
 * must be static, so their arguments must be string literals), helper and name typos, and the
 * rewrite of a model's `{{this}}` into the `this_relation` helper (Handlebars' `this` is the context).
 */
import type { Issue } from '../../errors/errors';
import { didYouMean } from '../../util/did-you-mean';
import type { FilePosition, RefUse, SourceUse } from '../types';
import { filePosition, HELPER_NAMES, type Program, type TemplateOrigin } from './parse';

type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;
type Path = hbs.AST.PathExpression;

export interface PartialUse {
  readonly name: string;
  readonly at: FilePosition;
}

export interface TemplateScan {
  readonly refs: RefUse[];
  readonly sources: SourceUse[];
  readonly partials: PartialUse[];
  readonly issues: Issue[];
}

const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'let', 'lookup'];
const HELPERS = new Set<string>([...HELPER_NAMES, ...BUILTIN_HELPERS]);
/** Names a model's template sees at its top level (inside `each`/`with` the context changes). */
export const CONTEXT_NAMES = ['ds', 'data_interval_start', 'data_interval_end', 'is_incremental', 'vars'];
const KNOWN_NAMES = [...CONTEXT_NAMES, ...HELPERS];

/** `isModel`: check top-level names and rewrite `{{this}}` (macros see hash arguments and their caller's `this`). */
export function scanTemplate(ast: Program, origin: TemplateOrigin, isModel: boolean): TemplateScan {
  const out: TemplateScan = { refs: [], sources: [], partials: [], issues: [] };
  const at = (node: Node): FilePosition => filePosition(origin, node.loc.start.line, node.loc.start.column);
  const fail = (node: Node, message: string) => {
    out.issues.push({ message, ...at(node) });
  };

  const checkName = (path: Path, scoped: boolean) => {
    if (!isModel || scoped || path.data || path.depth > 0 || path.parts.length === 0) return;
    const head = path.parts[0];
    if (KNOWN_NAMES.includes(head)) return;
    fail(path, `unknown name "${head}"${didYouMean(head, KNOWN_NAMES)}; a model sees ${CONTEXT_NAMES.join(', ')}`);
  };

  const literalArgs = (
    helper: string,
    node: Node,
    params: Expr[],
    count: number,
    usage: string,
  ): string[] | undefined => {
    const strings = params.filter((p): p is hbs.AST.StringLiteral => p.type === 'StringLiteral').map((p) => p.value);
    if (params.length === count && strings.length === count) return strings;
    const what =
      params.length !== count
        ? `${params.length} argument${params.length === 1 ? '' : 's'}`
        : `${describe(params.find((p) => p.type !== 'StringLiteral')!)}`;
    fail(
      node,
      `${helper} takes ${usage} as quoted strings, e.g. ${example(helper)}; got ${what} (dependencies must be known without rendering)`,
    );
    return undefined;
  };

  const visitCall = (
    node: Node,
    path: Path | hbs.AST.Literal,
    params: Expr[],
    hash: hbs.AST.Hash | undefined,
    kind: 'mustache' | 'block' | 'sexpr',
    scoped: boolean,
  ) => {
    const head =
      path.type === 'PathExpression' &&
      !(path as Path).data &&
      (path as Path).depth === 0 &&
      (path as Path).parts.length === 1
        ? (path as Path).parts[0]
        : undefined;
    const isCall = kind === 'sexpr' || params.length > 0 || (hash?.pairs.length ?? 0) > 0;
    if (head && (HELPER_NAMES as readonly string[]).includes(head)) {
      if (kind === 'block') fail(node, `${head} is not a block helper; write {{${head} …}}`);
      if (head === 'ref') {
        const args = literalArgs('ref', node, params, 1, 'one model name');
        if (args) out.refs.push({ name: args[0], at: at(node) });
      } else if (head === 'source') {
        const args = literalArgs('source', node, params, 2, 'a source name and a table name');
        if (args) out.sources.push({ source: args[0], table: args[1], at: at(node) });
      }
    } else if (head && BUILTIN_HELPERS.includes(head)) {
      // Built-in block helpers; Handlebars checks their arity itself.
      if (head === 'let' && kind !== 'block') fail(node, 'let names values for a block: {{#let x=(…)}}…{{x}}…{{/let}}');
    } else if (isCall && path.type === 'PathExpression') {
      const name = (path as Path).original;
      fail(node, `unknown helper "${name}"${didYouMean(name, HELPERS)}; helpers are ${[...HELPERS].join(', ')}`);
    } else if (path.type === 'PathExpression') {
      checkName(path as Path, scoped);
    }
    for (const p of params) visitExpr(p, scoped);
    for (const pair of hash?.pairs ?? []) visitExpr(pair.value, scoped);
  };

  const visitExpr = (e: Expr, scoped: boolean) => {
    if (e.type === 'SubExpression') {
      const s = e as hbs.AST.SubExpression;
      visitCall(s, s.path, s.params, s.hash, 'sexpr', scoped);
    } else if (e.type === 'PathExpression') checkName(e as Path, scoped);
  };

  const visitProgram = (p: Program | undefined, scoped: boolean) => {
    for (const s of p?.body ?? []) visitStatement(s, scoped);
  };

  const visitStatement = (s: hbs.AST.Statement, scoped: boolean) => {
    switch (s.type) {
      case 'MustacheStatement': {
        const m = s as hbs.AST.MustacheStatement;
        if (isModel && !scoped && isThis(m.path) && m.params.length === 0 && !m.hash?.pairs.length) {
          m.path = {
            type: 'PathExpression',
            data: false,
            depth: 0,
            parts: ['this_relation'],
            original: 'this_relation',
            loc: m.path.loc,
          };
        } else visitCall(m, m.path, m.params, m.hash, 'mustache', scoped);
        break;
      }
      case 'BlockStatement': {
        const b = s as hbs.AST.BlockStatement;
        visitCall(b, b.path, b.params, b.hash, 'block', scoped);
        const head = b.path.type === 'PathExpression' ? b.path.original : '';
        const keepsContext = (head === 'if' || head === 'unless') && !b.program?.blockParams?.length;
        visitProgram(b.program, scoped || !keepsContext);
        visitProgram(b.inverse, scoped || !keepsContext);
        break;
      }
      case 'PartialStatement': {
        const p = s as hbs.AST.PartialStatement;
        if (p.name.type === 'PathExpression' && !(p.name as Path).data)
          out.partials.push({ name: p.name.original, at: at(p) });
        else fail(p, 'partial names must be written out ({{> macro_name}}), not computed');
        for (const e of p.params) visitExpr(e, scoped);
        for (const pair of p.hash?.pairs ?? []) visitExpr(pair.value, scoped);
        break;
      }
      case 'PartialBlockStatement':
        fail(s, 'partial blocks ({{#> …}}) are not supported in models; use {{> macro_name}}');
        break;
      case 'Decorator':
      case 'DecoratorBlock':
        fail(s, 'decorators ({{* …}}) are not supported in models');
        break;
    }
  };

  visitProgram(ast, false);
  return out;
}

function isThis(path: Path | hbs.AST.Literal): boolean {
  return (
    path.type === 'PathExpression' &&
    (path as Path).parts.length === 0 &&
    !(path as Path).data &&
    (path as Path).depth === 0
  );
}

function describe(e: Expr): string {
  if (e.type === 'PathExpression') return `the name ${(e as Path).original} (not a quoted string)`;
  if (e.type === 'SubExpression') return 'a computed value';
  return `a ${e.type.replace('Literal', '').toLowerCase()}`;
}

function example(helper: string): string {
  return helper === 'ref' ? '{{ref "stg_orders"}}' : '{{source "shop" "orders"}}';
}
