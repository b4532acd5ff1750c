import { createHash } from 'node:crypto';
import type { Dag, JsonObject, ResolvedTask } from './types';
import type { StoredAlertRoutes, StoredDagAlerts } from './alert-spec';
import { downstreamMap } from '../util/graph';

/** A DAG as stored in Postgres: everything the scheduler needs, and no code. */
export interface DagStructure {
  readonly dagId: string;
  readonly description: string | null;
  readonly schedule: string | null;
  readonly timezone: string;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly catchup: boolean;
  readonly owner: string;
  readonly tags: readonly string[];
  readonly params: JsonObject;
  readonly maxActiveRuns: number;
  readonly maxActiveTasks: number;
  readonly line: number | null;
  /** Only when the DAG sets alerts, so DAGs without them keep their structure hash. */
  readonly alerts?: StoredDagAlerts;
  readonly tasks: readonly TaskStructure[];
}

/**
 * A task as stored: the resolved task without its function, in JSON (a missing doc or config is
 * null), and lineage only when it has some, so DAGs without it keep their structure hash.
 */
export type TaskStructure = Omit<ResolvedTask, 'run' | 'doc' | 'config' | 'produces' | 'consumes' | 'alerts'> & {
  readonly doc: string | null;
  readonly config: JsonObject | null;
  readonly produces?: readonly string[];
  readonly consumes?: readonly string[];
  readonly alerts?: StoredAlertRoutes;
};

export function serializeDag(dag: Dag): DagStructure {
  return {
    dagId: dag.id,
    description: dag.description ?? null,
    schedule: dag.schedule,
    timezone: dag.timezone,
    startDate: dag.startDate.toISOString(),
    endDate: dag.endDate?.toISOString() ?? null,
    catchup: dag.catchup,
    owner: dag.owner,
    tags: dag.tags,
    params: dag.params,
    maxActiveRuns: dag.maxActiveRuns,
    maxActiveTasks: dag.maxActiveTasks,
    line: dag.source?.line ?? null,
    ...(dag.alerts ? { alerts: dag.alerts } : {}),
    tasks: Object.values(dag.tasks).map(taskStructure),
  };
}

/** Keys keep the resolved task's order (the structure hash is taken over the JSON text). */
function taskStructure(t: ResolvedTask): TaskStructure {
  const { run: _run, doc, config, produces, consumes, alerts, ...rest } = t;
  return {
    ...rest,
    doc: doc ?? null,
    config: config ?? null,
    ...(produces.length ? { produces } : {}),
    ...(consumes.length ? { consumes } : {}),
    ...(alerts ? { alerts } : {}),
  };
}

export function structureHash(s: DagStructure): string {
  const { line: _line, ...rest } = s; // moving a DAG within its file is not a new version
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 32);
}

/** Adjacency derived once per DAG version and cached by whoever holds the structure. */
export interface DagGraph {
  readonly structure: DagStructure;
  readonly tasks: ReadonlyMap<string, TaskStructure>;
  readonly downstream: ReadonlyMap<string, readonly string[]>;
  readonly leaves: readonly string[];
}

export function graphOf(structure: DagStructure): DagGraph {
  const tasks = new Map(structure.tasks.map((t) => [t.id, t]));
  const downstream = downstreamMap(new Map(structure.tasks.map((t) => [t.id, t.upstream])));
  return { structure, tasks, downstream, leaves: [...downstream].filter(([, d]) => d.length === 0).map(([id]) => id) };
}
