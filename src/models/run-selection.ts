import type { Warehouse } from '../db/queryable';
import { compileModel } from './compile';
import { loadProject } from './project';
import { runModels, type ModelRunEvent, type ModelRunResult } from './runner';
import { selectModels, type SelectionOptions } from './selection';
import type { ModelProject, RunContext } from './types';

export interface RunModelsRequest {
  readonly root: string;
  readonly warehouse: Warehouse;
  readonly ctx: RunContext;
  readonly selection?: SelectionOptions;
  readonly fullRefresh?: boolean;
  readonly concurrency?: number;
  readonly onEvent?: (e: ModelRunEvent) => void;
  /** An already loaded project (the DAG operator loads it per run). */
  readonly project?: ModelProject;
}

/** `sluice models run` and the DAG operator: select, then build in graph order. */
export async function runSelectedModels(req: RunModelsRequest): Promise<ModelRunResult[]> {
  const project = req.project ?? loadProject(req.root);
  const names = selectModels(project, req.selection ?? {});
  return runModels({
    warehouse: req.warehouse,
    project,
    names,
    fullRefresh: req.fullRefresh,
    concurrency: req.concurrency,
    onEvent: req.onEvent,
    compile: (name, opts) => compileModel(project, name, req.ctx, opts),
  });
}
