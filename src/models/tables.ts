import { projectState } from './project';
import { materializationOf } from './materializations/registry';
import type { ModelNode, ModelProject, SeedNode } from './types';

/**
 * Plain `schema.table` names (lower case, unquoted) of what models build and read: the names tasks
 * declare in `produces`/`consumes`, so a model task runs after the load of its source and lineage
 * can join models to DAG tasks.
 */
export function modelTable(m: ModelNode): string {
  return `${m.config.schema}.${m.name}`.toLowerCase();
}

export function seedTable(s: SeedNode): string {
  return `${s.schema}.${s.name}`.toLowerCase();
}

export function sourceTable(project: ModelProject, source: string, table: string): string {
  const relation = projectState(project).sources.get(source)?.get(table)?.relation;
  if (!relation) return `raw.${source}_${table}`.toLowerCase();
  return [...relation.matchAll(/"((?:[^"]|"")*)"/g)]
    .map((m) => m[1].replace(/""/g, '"'))
    .join('.')
    .toLowerCase();
}

/**
 * What a model reads, looking through the ephemeral models it inlines: the models it refs, and the
 * `schema.table` of the sources and seeds.
 */
export function tablesRead(
  project: ModelProject,
  name: string,
): { models: string[]; sources: string[]; seeds: string[] } {
  const models = new Set<string>();
  const sources = new Set<string>();
  const seeds = new Set<string>();
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const node = project.models.get(n)!;
    for (const s of node.sources) sources.add(sourceTable(project, s.source, s.table));
    for (const r of node.refs) {
      const seed = project.seeds.get(r.name);
      if (seed) {
        seeds.add(seedTable(seed));
        continue;
      }
      const up = project.models.get(r.name)!;
      if (materializationOf(up.config.materialized).inlined) visit(up.name);
      else models.add(up.name);
    }
  };
  visit(name);
  return { models: [...models], sources: [...sources], seeds: [...seeds] };
}
