import { SluiceError } from '../errors/errors';
import { parseLakeKey } from '../lake/layout';
import { columnTypes } from '../models/relation';
import { finishedBuilds, ingestionLogPage, type IngestionRow } from '../state/data-catalog';
import { didYouMean } from '../util/did-you-mean';
import { dataLineage, type LineageNode, type LineageTask } from './data-lineage';
import type { Runtime } from './runtime';

/** How many loads or builds a table's page reads back (the chart's points). */
const HISTORY = 500;

/** One load (the objects of a partition a task loaded in one try) or one build of a model. */
export interface TableChange {
  readonly kind: 'load' | 'build';
  readonly status: string;
  readonly at: Date;
  /** The partition day a load loaded, the run's day of a build. */
  readonly ds: string | null;
  /** `dt=2026-03-01` (`/hr=05` for hourly data) for a load; null for a build. */
  readonly partition: string | null;
  /** Rows loaded or built; null when the build does not count them (a view). */
  readonly rows: number | null;
  readonly objects: number;
  readonly dagId: string | null;
  readonly runId: string | null;
  readonly taskId: string | null;
  readonly error: string | null;
}

export interface TablePartition {
  readonly partition: string;
  readonly ds: string | null;
  readonly rows: number | null;
  readonly at: Date;
  readonly dagId: string | null;
  readonly runId: string | null;
  readonly taskId: string | null;
}

export interface TableDetail {
  /** `schema.table`, lower case as the lineage names it. */
  readonly table: string;
  readonly schema: string;
  readonly name: string;
  readonly kind: LineageNode['kind'];
  readonly detail: string;
  readonly tasks: readonly LineageTask[];
  /** The newest load or build (failed ones too). */
  readonly last: TableChange | undefined;
  /** Each partition with its latest successful load (raw tables) or each run day built (models), newest first. */
  readonly partitions: readonly TablePartition[];
  /** Every load or build, oldest first (the newest 500). */
  readonly history: readonly TableChange[];
  /** The columns as Postgres has them; empty when the table is not built yet. */
  readonly columns: ReadonlyArray<{ name: string; type: string }>;
  /** The lineage nodes right before and after it. */
  readonly upstream: readonly LineageNode[];
  readonly downstream: readonly LineageNode[];
}

/**
 * A raw table, seed or model of the lineage: its loads (from the ingestion log) or builds (the
 * finished instances of the tasks that build it, with the rows they returned), its partitions, its
 * row counts over time and its columns.
 */
export async function tableDetail(rt: Pick<Runtime, 'db' | 'config'>, table: string): Promise<TableDetail> {
  const lineage = await dataLineage(rt);
  const wanted = table.toLowerCase();
  const node = lineage.nodes.find((n) => n.id === `table:${wanted}`);
  if (!node) {
    const known = lineage.nodes.flatMap((n) => (n.table ? [n.table] : []));
    throw new SluiceError(
      'NOT_FOUND',
      `no table "${table}" in the lineage (a raw table a DAG loads, a seed or a model)${didYouMean(wanted, known)}`,
    );
  }
  const dot = wanted.indexOf('.');
  const [schema, name] = [wanted.slice(0, dot), wanted.slice(dot + 1)];
  const history = node.kind === 'raw' ? await loads(rt, wanted) : await builds(rt, node.tasks);
  const columns = [...(await columnTypes(rt.db, schema, name))].map(([n, type]) => ({ name: n, type }));
  const byPartition = new Map<string, TablePartition>();
  for (const c of [...history].reverse()) {
    const partition = c.partition ?? (c.ds ? `ds=${c.ds}` : undefined);
    if (c.status !== 'success' || !partition || byPartition.has(partition)) continue;
    byPartition.set(partition, {
      partition,
      ds: c.ds,
      rows: c.rows,
      at: c.at,
      dagId: c.dagId,
      runId: c.runId,
      taskId: c.taskId,
    });
  }
  const ids = (pick: (e: { from: string; to: string }) => string, other: (e: { from: string; to: string }) => string) =>
    lineage.edges.filter((e) => pick(e) === node.id).map((e) => lineage.nodes.find((n) => n.id === other(e))!);
  return {
    table: wanted,
    schema,
    name,
    kind: node.kind,
    detail: node.detail,
    tasks: node.tasks,
    last: history.at(-1),
    partitions: [...byPartition.values()].sort(
      (a, b) => (b.ds ?? '').localeCompare(a.ds ?? '') || b.partition.localeCompare(a.partition),
    ),
    history,
    columns,
    upstream: ids(
      (e) => e.to,
      (e) => e.from,
    ),
    downstream: ids(
      (e) => e.from,
      (e) => e.to,
    ),
  };
}

/** A raw table's loads: the ingestion log's load rows into it, one change per task try and partition. */
async function loads(rt: Pick<Runtime, 'db'>, target: string): Promise<TableChange[]> {
  const { rows } = await ingestionLogPage(rt.db, { kind: 'load', target }, { limit: HISTORY * 4, offset: 0 });
  const changes: TableChange[] = [];
  let lastKey = '';
  for (const r of [...rows].reverse()) {
    const partition = partitionOf(r);
    // The objects of one partition loaded by one try are rows next to each other in the log.
    const key = `${r.dag_id}\u0000${r.run_id}\u0000${r.task_id}\u0000${partition}\u0000${r.status}`;
    const prev = changes.at(-1);
    if (prev && key === lastKey && r.status === 'success') {
      changes[changes.length - 1] = {
        ...prev,
        at: r.created_at,
        rows: (prev.rows ?? 0) + (r.rows ?? 0),
        objects: prev.objects + (r.object_key ? 1 : 0),
      };
      continue;
    }
    lastKey = key;
    changes.push({
      kind: 'load',
      status: r.status,
      at: r.created_at,
      ds: r.ds,
      partition,
      rows: r.rows,
      objects: r.object_key ? 1 : 0,
      dagId: r.dag_id,
      runId: r.run_id,
      taskId: r.task_id,
      error: r.error,
    });
  }
  return changes.slice(-HISTORY);
}

function partitionOf(r: IngestionRow): string | null {
  const k = r.object_key ? parseLakeKey(r.object_key) : undefined;
  if (k) return `dt=${k.ds}${k.hour === undefined ? '' : `/hr=${String(k.hour).padStart(2, '0')}`}`;
  return r.ds ? `dt=${r.ds}` : null;
}

/** A model's (or seed's) builds: the finished instances of the tasks that build it, with the rows they returned. */
async function builds(rt: Pick<Runtime, 'db'>, tasks: readonly LineageTask[]): Promise<TableChange[]> {
  const done = await finishedBuilds(rt.db, tasks, HISTORY);
  return done.map((b) => {
    const v = b.value && typeof b.value === 'object' && !Array.isArray(b.value) ? b.value : {};
    return {
      kind: 'build',
      status: b.state,
      at: b.end_date ?? b.logical_date,
      ds: b.logical_date.toISOString().slice(0, 10),
      partition: null,
      rows: typeof v.rows === 'number' ? v.rows : null,
      objects: 0,
      dagId: b.dag_id,
      runId: b.run_id,
      taskId: b.task_id,
      error: null,
    };
  });
}
