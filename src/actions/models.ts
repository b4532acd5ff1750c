import path from 'node:path';
import { compileProject } from '../models/compile';
import { loadProject } from '../models/project';
import { selectModels, type SelectionOptions } from '../models/selection';
import type { ModelNode, RunContext } from '../models/types';

export { runSelectedModels, type RunModelsRequest } from '../models/run-selection';

export interface ModelListing {
  readonly name: string;
  readonly schema: string;
  readonly materialized: string;
  readonly path: string;
  readonly tags: readonly string[];
  readonly refs: readonly string[];
  readonly sources: readonly string[];
  readonly description?: string;
}

/** The selected models in graph order (every model without a selection). */
export function listModels(root: string, selection: SelectionOptions = {}): ModelListing[] {
  const project = loadProject(root);
  return selectModels(project, selection).map((n) => describeModel(project.models.get(n)!));
}

export function describeModel(m: ModelNode): ModelListing {
  return {
    name: m.name,
    schema: m.config.schema,
    materialized: m.config.materialized,
    path: m.path,
    tags: m.config.tags,
    refs: [...new Set(m.refs.map((r) => r.name))],
    sources: [...new Set(m.sources.map((s) => `${s.source}.${s.table}`))],
    description: m.config.description,
  };
}

/** `sluice models compile`: renders the selection to `<target>/compiled/…`; every problem at once. */
export function compileModels(
  root: string,
  target: string,
  ctx: RunContext,
  selection: SelectionOptions = {},
): { models: number; files: string[] } {
  const project = loadProject(root);
  const names = selectModels(project, selection);
  const out = compileProject(project, ctx, names, path.join(target, 'compiled'));
  return { models: out.models.length, files: [...out.files] };
}
