import path from 'node:path';
import { defineTask, unknownOptions } from '../src/dag/task';
import { guardCall } from '../src/dag/guard-call';
import * as opt from '../src/dag/operator-options';
import type { JsonObject, TaskContext, TaskDefinition, TaskOptions } from '../src/dag/types';
import { SluiceError } from '../src/errors/errors';
import { runSelectedModels } from '../src/models/run-selection';
import { loadProject } from '../src/models/project';
import { PROJECT_FILE } from '../src/models/project-file';
import { SEEDS_FOLDER } from '../src/models/seeds/seed-files';
import { selectModels } from '../src/models/selection';
import { modelTable, tablesRead } from '../src/models/tables';
import { dependOn } from '../src/dag/parse-dependencies';
import { operatorConfig } from '../src/dag/operator-config';

export interface SqlModelsSpec extends TaskOptions {
  /** dbt selection syntax (`path:sql/marts`, `+daily_revenue`, `tag:finance`); default every model. */
  readonly select?: string;
  readonly exclude?: string;
  /** Folder holding `sql/`; default SLUICE_PROJECT_DIR or the working directory. */
  readonly projectDir?: string;
  /** Task ids are `<prefix><model>`; default none. */
  readonly taskPrefix?: string;
  /** Upstream tasks every model task waits for besides its own inputs (a quality gate, say); one may be a string. */
  readonly upstream?: string | readonly string[];
  /** Template vars over sluice_project.yml's, key by key; a run's `--conf '{"vars": {...}}'` overrides both. */
  readonly vars?: JsonObject;
}

/**
 * One task per selected model (ephemeral ones are inlined, not run), with the edges of their
 * `ref`s, and `consumes`/`produces` so each model waits for the task that loads its sources and
 * the DAG is one graph from ingestion to marts. The project is read when the DAG file is parsed
 * (which models exist, their edges) and again when each task runs, so an edit to a model's SQL is
 * picked up by the next run without a restart. `--conf '{"full_refresh": true}'` rebuilds
 * incremental models from scratch.
 */
export function sqlModels(spec: SqlModelsSpec = {}): TaskDefinition<string, string>[] {
  return guardCall('sqlModels', spec, () => modelTasks(spec));
}

// upstream is checked by each model's task (defineTask).
const RULES: opt.OptionRules = {
  select: opt.string,
  exclude: opt.string,
  projectDir: opt.string,
  taskPrefix: opt.string,
  vars: opt.object('an opt.object of template vars'),
};

function modelTasks(spec: SqlModelsSpec): TaskDefinition<string, string>[] {
  const { select, exclude, projectDir, taskPrefix = '', upstream = [], vars = {}, ...options } = spec ?? {};
  // Checked once here, not on each model's task: a problem of the call would be repeated per model.
  const problems = opt.checkOptions(spec ?? {}, RULES);
  unknownOptions(options, [...Object.keys(RULES), 'upstream'], problems);
  if (problems.length)
    throw new SluiceError(
      'DAG_INVALID',
      'sqlModels',
      problems.map((p) => ({ message: `sqlModels: ${p}` })),
    );
  const root = path.resolve(projectDir ?? operatorConfig().projectRoot);
  // A new model, ref or seed, or a folder default in the project file, changes the DAG: parse it again then.
  dependOn(path.join(root, 'sql'), path.join(root, SEEDS_FOLDER), path.join(root, PROJECT_FILE));
  const project = loadProject(root);
  const names = selectModels(project, { select, exclude }).filter(
    (n) => project.models.get(n)!.config.materialized !== 'ephemeral',
  );
  const selected = new Set(names);
  return names.map((name) => {
    const node = project.models.get(name)!;
    const reads = tablesRead(project, name);
    return defineTask(
      'sql_model',
      {
        ...options,
        id: `${taskPrefix}${name}`,
        upstream: [
          ...(typeof upstream === 'string' ? [upstream] : upstream),
          ...reads.models.filter((m) => selected.has(m)).map((m) => `${taskPrefix}${m}`),
        ],
        consumes: [...reads.sources, ...reads.seeds, ...reads.models.map((m) => modelTable(project.models.get(m)!))],
        produces: [modelTable(node)],
        doc: node.config.description,
        run: (ctx) => runModel(ctx, root, name, vars),
      },
      { model: name, path: node.path, materialized: node.config.materialized, tags: [...node.config.tags] },
    );
  });
}

async function runModel(ctx: TaskContext, root: string, name: string, vars: JsonObject) {
  const conf = ctx.params as Record<string, unknown>;
  const runVars = { ...vars, ...(conf.vars && typeof conf.vars === 'object' ? (conf.vars as JsonObject) : {}) };
  const [result] = await runSelectedModels({
    root,
    warehouse: ctx.warehouse,
    selection: { select: name },
    fullRefresh: conf.full_refresh === true,
    ctx: { ds: ctx.ds, dataIntervalStart: ctx.dataIntervalStart, dataIntervalEnd: ctx.dataIntervalEnd, vars: runVars },
  });
  if (result.compiled)
    ctx.recordDetails({
      model: name,
      relation: result.compiled.relation,
      compiled_sql: result.compiled.sql,
    });
  if (result.status !== 'success')
    throw new SluiceError('MODEL_FAILED', result.error ?? `model ${name} ${result.status}`);
  ctx.log.info(
    '%s: %s%s in %d ms',
    name,
    result.action,
    result.rows === undefined ? '' : `, ${result.rows} rows`,
    Math.round(result.ms),
  );
  return { model: name, action: result.action, rows: result.rows ?? null };
}
