import path from 'node:path';
import { loadSuite } from '../checks/suite-file';
import { suiteTables, tableResolver } from '../checks/suite-table';
import type { TaskStructure } from '../dag/serialized-dag';
import { isSluiceError } from '../errors/errors';
import { activeDagStructures } from '../state/dags';
import { latestValidations } from '../state/validations';
import { modelLineage, type Lineage } from './model-lineage';
import type { Runtime } from './runtime';

/** The kinds of node, in the order data flows (dashboards join later). */
export const NODE_KINDS = ['source', 'dataset', 'raw', 'seed', 'model', 'table', 'checkpoint'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export interface LineageTask {
  readonly dagId: string;
  readonly taskId: string;
}

export interface LineageNode {
  /** `source:…`, `dataset:<bucket>/<source>/<dataset>`, `table:<schema.table>` or `checkpoint:<suite>`. */
  readonly id: string;
  readonly kind: NodeKind;
  readonly name: string;
  /** A second line: what the source is, where the dataset lives, a model's materialization, a suite's verdict. */
  readonly detail: string;
  /** The tasks that land, load, build or check it. */
  readonly tasks: LineageTask[];
  /** Datasets: where they are in the lake. */
  readonly lake?: { readonly bucket: string; readonly prefix: string };
  /** Tables (raw, seed, model): `schema.table`. */
  readonly table?: string;
  /** Checkpoints: the latest validation of the suite and its Data Docs page (relative to the docs folder). */
  readonly validation?: { readonly success: boolean; readonly at: Date; readonly docsPath: string | null };
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
}

export interface DataLineage {
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
  /** Why part of the graph is missing (the SQL project does not load, a suite cannot be read). */
  readonly problems: readonly string[];
}

const LANDING: Readonly<Record<string, { what: string; field: string }>> = {
  files_to_lake: { what: 'files', field: 'path' },
  http_to_lake: { what: 'HTTP API', field: 'url' },
  postgres_to_lake: { what: 'Postgres', field: 'table' },
};

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * One graph from the sources to the checkpoints: the active DAGs' landing tasks (a file glob, an
 * HTTP API or a Postgres table → the lake dataset they land), their loads (dataset → raw table), the
 * SQL project's models with their `source`/`ref` edges (src/actions/model-lineage.ts), and each
 * checkpoint suite with the tables it reads. Read from the DAGs' stored structures, the project
 * folder and the latest validations; nothing runs.
 */
export async function dataLineage(rt: Pick<Runtime, 'db' | 'config'>): Promise<DataLineage> {
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const problems: string[] = [];
  const node = (n: Omit<LineageNode, 'tasks'>, task?: LineageTask): LineageNode => {
    const had = nodes.get(n.id);
    // A table first seen as read by a checkpoint learns its kind when its builder is seen.
    const merged: LineageNode = had
      ? { ...had, ...(had.kind === 'table' && n.kind !== 'table' ? { kind: n.kind, detail: n.detail } : {}) }
      : { ...n, tasks: [] };
    if (task) addTask(merged, task);
    nodes.set(n.id, merged);
    return merged;
  };
  const edge = (from: string, to: string) => edges.set(`${from}\u0000${to}`, { from, to });
  const tableNode = (table: string, kind: NodeKind, detail: string, task?: LineageTask) =>
    node(
      { id: `table:${table.toLowerCase()}`, kind, name: table.toLowerCase(), detail, table: table.toLowerCase() },
      task,
    );

  const dags = await activeDagStructures(rt.db);
  const lineage = await readModels(rt, problems);
  const resolve = tableResolver(rt.config.projectRoot);
  const checkpoints: Array<{ task: LineageTask; t: TaskStructure }> = [];

  for (const d of dags) {
    for (const t of d.structure.tasks) {
      const task = { dagId: d.dag_id, taskId: t.id };
      const c = t.config ?? {};
      const landing = LANDING[t.operator];
      if (landing && text(c.source) && text(c.dataset)) {
        // A URL or path computed when the task runs is stored as "(computed)": name it by its task.
        const given = text(c[landing.field]);
        const origin = given && given !== '(computed)' ? given : undefined;
        const src = node(
          {
            id: `source:${t.operator}:${origin ?? `${d.dag_id}.${t.id}`}`,
            kind: 'source',
            name: origin ?? `${String(c.source)} (${landing.field} computed by ${t.id})`,
            detail: landing.what,
          },
          task,
        );
        const ds = datasetNode(node, text(c.bucket) ?? 'raw', c.source as string, c.dataset as string, task);
        edge(src.id, ds.id);
      } else if (t.operator === 'load_to_raw' && text(c.source) && text(c.dataset) && text(c.table)) {
        const ds = datasetNode(node, text(c.bucket) ?? 'raw', c.source as string, c.dataset as string);
        const raw = tableNode(c.table as string, 'raw', `loaded from ${String(c.source)}.${String(c.dataset)}`, task);
        edge(ds.id, raw.id);
      } else if (t.operator === 'checkpoint') {
        checkpoints.push({ task, t });
      }
    }
  }

  for (const s of lineage.sources) {
    const n = tableNode(s.table, 'raw', `source ${s.name}`);
    for (const r of s.producedBy) addTask(n, { dagId: r.dag, taskId: r.task });
  }
  for (const s of lineage.seeds) {
    const n = tableNode(s.table, 'seed', s.path);
    for (const r of s.producedBy) addTask(n, { dagId: r.dag, taskId: r.task });
  }
  const modelTables = new Map(lineage.models.map((m) => [m.name, m.table]));
  const seedTables = new Map(lineage.seeds.map((s) => [s.name, s.table]));
  const sourceByName = new Map(lineage.sources.map((s) => [s.name, s.table]));
  for (const m of lineage.models) {
    const n = tableNode(m.table, 'model', m.materialized);
    for (const r of m.builtBy) addTask(n, { dagId: r.dag, taskId: r.task });
    for (const s of m.sources) {
      const t = sourceByName.get(s);
      if (t) edge(`table:${t}`, n.id);
    }
    for (const r of m.seeds) edge(`table:${seedTables.get(r)}`, n.id);
    for (const r of m.models) edge(`table:${modelTables.get(r)}`, n.id);
  }

  const latest = new Map((await latestValidations(rt.db)).map((v) => [v.suite, v]));
  for (const { task, t } of checkpoints) {
    const suites = Array.isArray(t.config?.suites)
      ? (t.config.suites as unknown[]).filter((s) => typeof s === 'string')
      : [];
    for (const suite of suites) {
      const v = latest.get(suite);
      const n = node(
        {
          id: `checkpoint:${suite}`,
          kind: 'checkpoint',
          name: suite,
          detail: v ? (v.success ? 'passed' : 'failed') : 'not run yet',
          ...(v ? { validation: { success: v.success, at: v.created_at, docsPath: v.docs_path } } : {}),
        },
        task,
      );
      for (const table of suiteTablesOf(rt.config.expectationsDir, suite, resolve, t, problems)) {
        const tn = nodes.get(`table:${table}`) ?? tableNode(table, 'table', '');
        edge(tn.id, n.id);
      }
    }
  }
  const order = (n: LineageNode) => NODE_KINDS.indexOf(n.kind);
  return {
    nodes: [...nodes.values()].sort((a, b) => order(a) - order(b) || a.id.localeCompare(b.id)),
    edges: [...edges.values()].filter((e) => nodes.has(e.from) && nodes.has(e.to)),
    problems,
  };
}

function addTask(n: LineageNode, task: LineageTask): void {
  if (!n.tasks.some((t) => t.dagId === task.dagId && t.taskId === task.taskId)) n.tasks.push(task);
}

function datasetNode(
  node: (n: Omit<LineageNode, 'tasks'>, task?: LineageTask) => LineageNode,
  bucket: string,
  source: string,
  dataset: string,
  task?: LineageTask,
): LineageNode {
  const prefix = `${source}/${dataset}/`;
  return node(
    {
      id: `dataset:${bucket}/${prefix}`,
      kind: 'dataset',
      name: `${source}.${dataset}`,
      detail: `${bucket}/${prefix}`,
      lake: { bucket, prefix },
    },
    task,
  );
}

function readModels(rt: Pick<Runtime, 'db' | 'config'>, problems: string[]): Promise<Lineage> {
  return modelLineage(rt.db, rt.config.projectRoot).catch((e: unknown) => {
    if (!isSluiceError(e)) throw e;
    problems.push(`the SQL project in ${rt.config.projectRoot} does not load: ${e.message.split('\n')[0]}`);
    return { sources: [], seeds: [], models: [] };
  });
}

/** The tables a checkpoint's suite reads: from its file, else every table the checkpoint reads. */
function suiteTablesOf(
  dir: string,
  suite: string,
  resolve: ReturnType<typeof tableResolver>,
  t: TaskStructure,
  problems: string[],
): string[] {
  try {
    return suiteTables(loadSuite(path.join(dir, `${suite}.json`)), resolve);
  } catch (e) {
    if (!isSluiceError(e)) throw e;
    problems.push(`suite "${suite}" (task ${t.id}): ${e.message.split('\n')[0]}`);
    return [...(t.consumes ?? [])];
  }
}
