/**
 * Rendering one model's template for a run: the SQL as lines, each mapped to the file and line it
 * came from, and the ephemeral models it referenced. Every mistake comes back with a position.
 */
import { uniqueIssues, ValidationError, type Issue } from '../../errors/errors';
import type { FilePosition, ModelNode, RunContext } from '../types';
import type { ProjectState, RenderScope } from '../project-state';
import { renderTemplate, TemplateError } from './runtime';
import { decodeLineMarkers } from './line-markers';
import { runContextLiterals, ValueError, wrapVars } from './sql-values';
import { checkRenderedSql } from './value-check';
import { filePosition, type TemplateOrigin } from './parse';

export interface RenderedSql {
  readonly lines: readonly string[];
  readonly map: readonly FilePosition[];
}

export interface RenderedModel extends RenderedSql {
  readonly ephemerals: readonly string[];
}

/** Per project state, per run's vars: the merged vars, wrapped once. */
const wrappedVars = new WeakMap<ProjectState, WeakMap<object, Record<string, unknown>>>();

/** The project's vars overridden key by key by the run's (DAG, run conf or --vars), wrapped as SQL values. */
function varsFor(state: ProjectState, runVars: RunContext['vars']): Record<string, unknown> {
  let perRun = wrappedVars.get(state);
  if (!perRun) wrappedVars.set(state, (perRun = new WeakMap()));
  let vars = perRun.get(runVars);
  if (!vars) perRun.set(runVars, (vars = wrapVars({ ...state.vars, ...runVars })));
  return vars;
}

export function renderModel(
  state: ProjectState,
  node: ModelNode,
  ctx: RunContext,
  isIncremental: boolean,
): RenderedModel {
  const unit = state.templates.get(node.name);
  if (!unit) throw new Error(`model ${node.name} has no parsed template`);
  const vars = varsFor(state, ctx.vars);
  const scope: RenderScope = { model: node, vars, issues: [], ephemerals: [], values: [] };
  const previous = state.scope;
  state.scope = scope;
  let output = '';
  try {
    const context = { ...runContextLiterals(ctx), is_incremental: isIncremental, vars };
    output = renderTemplate(state.runtime, unit.ast, context);
  } catch (e) {
    scope.issues.push(renderIssue(e, state, unit.origin));
  } finally {
    state.scope = previous;
  }
  let rendered: RenderedSql = { lines: [], map: [] };
  if (!scope.issues.length) {
    const checked = checkRenderedSql(decodeLineMarkers(output, state.files), scope.values);
    scope.issues.push(...checked.issues);
    rendered = trimSql(checked);
  }
  if (!scope.issues.length && rendered.lines.length === 0) {
    scope.issues.push({
      message: `model ${node.name} renders to no SQL`,
      file: node.path,
      line: node.templateLine,
      column: 1,
    });
  }
  if (scope.issues.length)
    throw new ValidationError('MODEL_INVALID', `model ${node.name} (${node.path})`, uniqueIssues(scope.issues));
  return { ...rendered, ephemerals: scope.ephemerals };
}

/** Template errors carry their position (in the model or a macro); anything else names the model file. */
function renderIssue(e: unknown, state: ProjectState, origin: TemplateOrigin): Issue {
  if (e instanceof TemplateError) {
    const where = state.origins.get(e.loc.source) ?? origin;
    return { message: e.message, ...filePosition(where, e.loc.start.line, e.loc.start.column) };
  }
  if (e instanceof ValueError) return { message: `run context: ${e.message}`, file: origin.source };
  return { message: e instanceof Error ? e.message : String(e), file: origin.source };
}

/** Leading blank lines and trailing whitespace and semicolons go: the SQL is wrapped in other statements. */
function trimSql(r: RenderedSql): RenderedSql {
  let start = 0;
  while (start < r.lines.length && r.lines[start].trim() === '') start++;
  const lines = r.lines.slice(start);
  const map = r.map.slice(start);
  while (lines.length) {
    const last = lines[lines.length - 1].replace(/[\s;]+$/, '');
    if (last !== '') {
      lines[lines.length - 1] = last;
      break;
    }
    lines.pop();
    map.pop();
  }
  return { lines, map };
}
