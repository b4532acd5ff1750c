/**
 * Model selection in dbt's syntax: `name`, `+name`, `name+`, `2+name`, `name+1`, `@name`,
 * `tag:x`, `path:sql/marts`, `config.materialized:incremental`, `config.schema:marts`, `*` and
 * name globs (`stg_*`). Selectors separated by spaces are a union; a comma inside one is an
 * intersection (`tag:daily,path:sql/marts`). Exclusions use the same syntax.
 */
import path from 'node:path';
import { didYouMean } from '../util/did-you-mean';
import { downstreamMap, topologicalOrder } from '../util/graph';
import { ValidationError, type Issue } from '../errors/errors';
import { isMaterialization, MATERIALIZATIONS } from './materializations/registry';
import type { ModelNode, ModelProject } from './types';

export interface SelectionOptions {
  /** Selectors (each string may hold several, space-separated). Absent or empty: every model. */
  readonly select?: string | readonly string[];
  readonly exclude?: string | readonly string[];
}

const METHODS = ['tag', 'path', 'config.materialized', 'config.schema'] as const;

/** One comma-separated part: graph operators around a method and its value. */
interface Atom {
  readonly text: string;
  readonly at: boolean;
  /** Generations of ancestors / descendants to add: 0 none, Infinity all. */
  readonly parents: number;
  readonly children: number;
  readonly method: 'name' | (typeof METHODS)[number];
  readonly value: string;
}

/** Selected model names in graph order (every upstream first). Throws MODEL_INVALID with did-you-mean hints. */
export function selectModels(project: ModelProject, opts: SelectionOptions = {}): string[] {
  const issues: Issue[] = [];
  const graph = { up: project.upstream, down: downstreamMap(project.upstream) };
  const evaluate = (selectors: string[]) => union(selectors.map((s) => evaluateSelector(project, graph, s, issues)));
  const select = words(opts.select);
  const chosen = select.length ? evaluate(select) : new Set(project.models.keys());
  const excluded = evaluate(words(opts.exclude));
  if (issues.length) throw new ValidationError('MODEL_INVALID', 'model selection', issues);
  return topologicalOrder(project.upstream).filter((n) => chosen.has(n) && !excluded.has(n) && project.models.has(n));
}

function words(s: string | readonly string[] | undefined): string[] {
  return (typeof s === 'string' ? [s] : (s ?? [])).flatMap((x) => x.split(/\s+/)).filter(Boolean);
}

function union(sets: Set<string>[]): Set<string> {
  const out = new Set<string>();
  for (const s of sets) for (const x of s) out.add(x);
  return out;
}

interface Graph {
  readonly up: ReadonlyMap<string, readonly string[]>;
  readonly down: ReadonlyMap<string, readonly string[]>;
}

function evaluateSelector(project: ModelProject, graph: Graph, selector: string, issues: Issue[]): Set<string> {
  let out: Set<string> | undefined;
  for (const part of selector.split(',')) {
    const atom = parseAtom(part, selector, issues);
    if (!atom) return new Set();
    const base = matchBase(project, atom, selector, issues);
    const set = expand(graph, base, atom);
    out = out ? new Set([...out].filter((n) => set.has(n))) : set;
  }
  return out ?? new Set();
}

function parseAtom(part: string, selector: string, issues: Issue[]): Atom | undefined {
  const m = /^(@)?(?:(\d*)\+)?(.*?)(?:\+(\d*))?$/.exec(part);
  const body = m?.[3] ?? '';
  if (!m || !body || (m[1] && m[2] !== undefined)) {
    issues.push({
      message: `invalid selector "${part}"${part === selector ? '' : ` in "${selector}"`}: expected [@|N+|+]name-or-method[+|+N]`,
    });
    return undefined;
  }
  const depth = (d: string | undefined) => (d === undefined ? 0 : d === '' ? Infinity : Number(d));
  const colon = body.indexOf(':');
  let method: Atom['method'] = 'name';
  let value = body;
  if (colon >= 0) {
    const name = body.slice(0, colon);
    if (!(METHODS as readonly string[]).includes(name)) {
      issues.push({
        message: `unknown selector method "${name}" in "${selector}"${didYouMean(name, METHODS)}; methods: ${METHODS.join(', ')}`,
      });
      return undefined;
    }
    method = name as Atom['method'];
    value = body.slice(colon + 1);
  }
  return { text: part, at: !!m[1], parents: depth(m[2]), children: depth(m[4]), method, value };
}

function matchBase(project: ModelProject, atom: Atom, selector: string, issues: Issue[]): Set<string> {
  const nodes = [...project.models.values()];
  const pick = (pred: (n: ModelNode) => boolean) => new Set(nodes.filter(pred).map((n) => n.name));
  const fail = (what: string, candidates: Iterable<string>) => {
    issues.push({ message: `${what} in "${selector}"${didYouMean(atom.value, candidates)}` });
    return new Set<string>();
  };
  let found: Set<string>;
  switch (atom.method) {
    case 'name':
      if (atom.value === '*') return pick(() => true);
      if (atom.value.includes('*')) {
        const re = new RegExp('^' + atom.value.split('*').map(escapeRe).join('.*') + '$');
        found = pick((n) => re.test(n.name));
        return found.size ? found : fail(`no model matches "${atom.value}"`, project.models.keys());
      }
      return project.models.has(atom.value)
        ? new Set([atom.value])
        : fail(`unknown model "${atom.value}"`, project.models.keys());
    case 'tag':
      found = pick((n) => n.config.tags.includes(atom.value));
      return found.size
        ? found
        : fail(
            `no model has tag "${atom.value}"`,
            nodes.flatMap((n) => n.config.tags),
          );
    case 'path': {
      const want = normalizePath(project.root, atom.value);
      found = pick((n) => n.path === want || n.path.startsWith(want + '/'));
      return found.size
        ? found
        : fail(
            `no model under path "${atom.value}"`,
            nodes.flatMap((n) => pathPrefixes(n.path)),
          );
    }
    case 'config.materialized':
      if (!isMaterialization(atom.value)) return fail(`unknown materialization "${atom.value}"`, MATERIALIZATIONS);
      return pick((n) => n.config.materialized === atom.value);
    case 'config.schema':
      found = pick((n) => n.config.schema === atom.value);
      return found.size
        ? found
        : fail(
            `no model has schema "${atom.value}"`,
            nodes.map((n) => n.config.schema),
          );
  }
}

function normalizePath(root: string, p: string): string {
  const rel = path.isAbsolute(p) ? path.relative(root, p) : p;
  return path.posix.normalize(rel.split(path.sep).join('/')).replace(/\/+$/, '');
}

/** `sql/marts/x.sql` → sql, sql/marts, sql/marts/x.sql (for did-you-mean). */
function pathPrefixes(p: string): string[] {
  const parts = p.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function expand(graph: Graph, base: Set<string>, atom: Atom): Set<string> {
  const out = new Set(base);
  if (atom.at) {
    // @x: x, its descendants, and every ancestor of those (what building them needs).
    const down = walk(graph.down, base, Infinity);
    for (const n of down) out.add(n);
    for (const n of walk(graph.up, down, Infinity)) out.add(n);
    return out;
  }
  for (const n of walk(graph.up, base, atom.parents)) out.add(n);
  for (const n of walk(graph.down, base, atom.children)) out.add(n);
  return out;
}

/** Nodes reachable from `start` along `edges` within `depth` steps (start itself included). */
function walk(edges: ReadonlyMap<string, readonly string[]>, start: Iterable<string>, depth: number): Set<string> {
  const seen = new Set(start);
  let frontier = [...seen];
  for (let d = 0; d < depth && frontier.length; d++) {
    const next: string[] = [];
    for (const n of frontier)
      for (const m of edges.get(n) ?? [])
        if (!seen.has(m)) {
          seen.add(m);
          next.push(m);
        }
    frontier = next;
  }
  return seen;
}
