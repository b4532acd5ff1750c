import type { Queryable } from '../db/queryable';
import { loadProject } from '../models/project';
import { projectState } from '../models/project';
import { modelTable, seedTable, sourceTable } from '../models/tables';
import { activeDagStructures } from '../state/dags';

export interface TaskRef {
  readonly dag: string;
  readonly task: string;
}

export interface Lineage {
  readonly sources: ReadonlyArray<{ name: string; table: string; producedBy: TaskRef[]; usedBy: string[] }>;
  /** Seeds (seeds/*.csv), the DAG tasks that load them and the models that ref them. */
  readonly seeds: ReadonlyArray<{ name: string; table: string; path: string; producedBy: TaskRef[]; usedBy: string[] }>;
  readonly models: ReadonlyArray<{
    name: string;
    table: string;
    materialized: string;
    path: string;
    models: string[];
    seeds: string[];
    sources: string[];
    builtBy: TaskRef[];
    usedByTasks: TaskRef[];
    usedByModels: string[];
  }>;
}

/**
 * Sources and seeds → models → the DAG tasks that produce and use them: the models' `ref`/`source` edges
 * joined with the `produces`/`consumes` tables of the active DAGs' tasks.
 */
export async function modelLineage(db: Queryable, root: string): Promise<Lineage> {
  const project = loadProject(root);
  const dags = await activeDagStructures(db);
  const producers = new Map<string, TaskRef[]>();
  const consumers = new Map<string, TaskRef[]>();
  const add = (m: Map<string, TaskRef[]>, table: string, ref: TaskRef) => m.set(table, [...(m.get(table) ?? []), ref]);
  for (const d of dags) {
    for (const t of d.structure.tasks) {
      for (const p of t.produces ?? []) add(producers, p, { dag: d.dag_id, task: t.id });
      for (const c of t.consumes ?? []) add(consumers, c, { dag: d.dag_id, task: t.id });
    }
  }
  const byRef = (a: TaskRef, b: TaskRef) => `${a.dag}.${a.task}`.localeCompare(`${b.dag}.${b.task}`);
  for (const m of [producers, consumers]) for (const refs of m.values()) refs.sort(byRef);
  const usedByModels = new Map<string, string[]>();
  for (const m of project.models.values())
    for (const r of new Set(m.refs.map((x) => x.name))) usedByModels.set(r, [...(usedByModels.get(r) ?? []), m.name]);
  const sourceUsers = new Map<string, string[]>();
  for (const m of project.models.values()) {
    for (const s of new Set(m.sources.map((x) => `${x.source}.${x.table}`)))
      sourceUsers.set(s, [...(sourceUsers.get(s) ?? []), m.name]);
  }
  const catalog = projectState(project).sources;
  const sources = [...catalog].flatMap(([source, tables]) =>
    [...tables.keys()].map((table) => {
      const name = `${source}.${table}`;
      const t = sourceTable(project, source, table);
      return { name, table: t, producedBy: producers.get(t) ?? [], usedBy: [...(sourceUsers.get(name) ?? [])].sort() };
    }),
  );
  const seeds = [...project.seeds.values()].map((s) => {
    const t = seedTable(s);
    return {
      name: s.name,
      table: t,
      path: s.path,
      producedBy: producers.get(t) ?? [],
      usedBy: [...(usedByModels.get(s.name) ?? [])].sort(),
    };
  });
  const models = [...project.models.values()].map((m) => {
    const t = modelTable(m);
    const refs = [...new Set(m.refs.map((r) => r.name))];
    return {
      name: m.name,
      table: t,
      materialized: m.config.materialized,
      path: m.path,
      models: refs.filter((r) => project.models.has(r)),
      seeds: refs.filter((r) => project.seeds.has(r)),
      sources: [...new Set(m.sources.map((s) => `${s.source}.${s.table}`))],
      builtBy: producers.get(t) ?? [],
      usedByTasks: consumers.get(t) ?? [],
      usedByModels: [...(usedByModels.get(m.name) ?? [])].sort(),
    };
  });
  return { sources, seeds, models };
}
