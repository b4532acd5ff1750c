/**
 * Compiling models: render, inline the ephemeral models used (recursively, each once, upstream
 * first), and keep a line map from the compiled SQL back to the files.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError, isSluiceError, uniqueIssues, type Issue } from '../errors/errors';
import { didYouMean } from '../util/did-you-mean';
import type { CompiledModel, ModelProject, RunContext } from './types';
import { projectState } from './project';
import { renderModel, type RenderedModel } from './template/render';
import { inlineEphemerals } from './template/inline-ephemerals';
import { refRelation } from './template/helpers';
import { materializationOf } from './materializations/registry';

export interface CompileOptions {
  /** Whether the model's table exists and is built incrementally this run (`{{#if is_incremental}}`). */
  readonly isIncremental: boolean;
}

/**
 * `is_incremental` is true only for an incremental model and only when `opts.isIncremental`;
 * ephemeral models inlined into it render with it false. Throws ValidationError('MODEL_INVALID')
 * with every render problem of the model and the ephemerals it uses.
 */
export function compileModel(
  project: ModelProject,
  name: string,
  ctx: RunContext,
  opts: CompileOptions,
): CompiledModel {
  const state = projectState(project);
  const node = project.models.get(name);
  if (!node) {
    throw new ValidationError('MODEL_INVALID', 'compile', [
      { message: `unknown model "${name}"${didYouMean(name, project.models.keys())}` },
    ]);
  }
  const own = renderModel(
    state,
    node,
    ctx,
    opts.isIncremental && materializationOf(node.config.materialized).incremental,
  );
  const issues: Issue[] = [];
  const rendered = new Map<string, RenderedModel>();
  const order: string[] = [];
  const visit = (eph: string, seen: readonly string[]) => {
    if (rendered.has(eph) || seen.includes(eph)) return;
    try {
      const r = renderModel(state, project.models.get(eph)!, ctx, false);
      rendered.set(eph, r);
      for (const next of r.ephemerals) visit(next, [...seen, eph]);
      order.push(eph);
    } catch (e) {
      if (!isSluiceError(e)) throw e;
      issues.push(...e.issues);
    }
  };
  for (const eph of own.ephemerals) visit(eph, [name]);
  if (issues.length)
    throw new ValidationError('MODEL_INVALID', `model ${name} (${node.path}): ephemeral models it uses`, issues);
  const sql = inlineEphemerals(
    own,
    order.map((n) => ({ name: n, body: rendered.get(n)! })),
  );
  return {
    name,
    schema: node.config.schema,
    materialized: node.config.materialized,
    uniqueKey: node.config.uniqueKey,
    relation: refRelation(node),
    sql: sql.lines.join('\n'),
    lineMap: sql.map,
  };
}

export interface CompiledProject {
  readonly models: readonly CompiledModel[];
  /** The files written, `<outDir>/<schema>/<name>.sql`, in the order of `models`. */
  readonly files: readonly string[];
}

/**
 * Compiles the named models (ephemeral ones too, standalone, for reading) with `is_incremental`
 * false and writes them under `outDir`. All-or-nothing: every problem of every model is reported
 * in one ValidationError and no file is written.
 */
export function compileProject(
  project: ModelProject,
  ctx: RunContext,
  names: readonly string[],
  outDir: string,
): CompiledProject {
  const models = compileModels(project, ctx, names);
  return { models, files: writeCompiled(models, outDir) };
}

/** `compileProject` without the writing: every model or one ValidationError with every problem. */
export function compileModels(project: ModelProject, ctx: RunContext, names: readonly string[]): CompiledModel[] {
  projectState(project);
  const issues: Issue[] = [];
  const models: CompiledModel[] = [];
  for (const name of names) {
    try {
      models.push(compileModel(project, name, ctx, { isIncremental: false }));
    } catch (e) {
      if (!isSluiceError(e)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length)
    throw new ValidationError(
      'MODEL_INVALID',
      `compiling ${names.length} model${names.length === 1 ? '' : 's'}`,
      uniqueIssues(issues),
    );
  return models;
}

/** Writes `<outDir>/<schema>/<name>.sql` for each model; returns the paths in order. */
export function writeCompiled(models: readonly CompiledModel[], outDir: string): string[] {
  const made = new Set<string>();
  return models.map((m) => {
    const dir = path.join(outDir, m.schema);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const file = path.join(dir, `${m.name}.sql`);
    // Unchanged files are left alone: reading is ~20x cheaper than writing, and mtimes stay useful.
    if (readIfExists(file) !== m.sql + '\n') writeFileSync(file, m.sql + '\n');
    return file;
  });
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
