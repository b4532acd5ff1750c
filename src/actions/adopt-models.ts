import { materializationOf } from '../models/materializations/registry';
import type { Warehouse } from '../db/queryable';
import { loadProject } from '../models/project';
import { lookupRelations, markStatement } from '../models/relation';
import { selectModels, type SelectionOptions } from '../models/selection';
import { schemaOwner } from '../models/targets';

export interface Adoption {
  readonly name: string;
  readonly relation: string;
  /** adopted: marked now; owned: a model's already; absent: nothing to adopt yet; refused: not a model's to take. */
  readonly status: 'adopted' | 'owned' | 'absent' | 'refused';
  readonly reason?: string;
}

/**
 * `sluice models adopt`: hands relations built before models marked what they build (or restored
 * without their comments) to the selected models, on purpose. A model replaces only what a model
 * built; Sluice cannot tell an old model's table from a person's, so it asks. Raw tables loads
 * write and relations in schemas a source or the platform owns are never adopted.
 */
export async function adoptModels(root: string, wh: Warehouse, selection: SelectionOptions = {}): Promise<Adoption[]> {
  const project = loadProject(root);
  const out: Adoption[] = [];
  for (const name of selectModels(project, selection)) {
    const m = project.models.get(name)!;
    if (materializationOf(m.config.materialized).inlined) continue;
    const { schema } = m.config;
    const relation = `${schema}.${name}`;
    const owner = schemaOwner(schema);
    if (owner) {
      out.push({ name, relation, status: 'refused', reason: owner });
      continue;
    }
    const info = (await lookupRelations(wh, schema, [name])).relations.get(name);
    if (!info) {
      out.push({ name, relation, status: 'absent' });
      continue;
    }
    if (info.builtBy !== undefined) {
      out.push({ name, relation, status: 'owned', reason: `built by ${info.builtBy}` });
      continue;
    }
    if (info.rawLoad) {
      out.push({ name, relation, status: 'refused', reason: 'it is a raw table that loads write' });
      continue;
    }
    if (info.kind !== 'table' && info.kind !== 'view') {
      out.push({ name, relation, status: 'refused', reason: `it is a ${info.kind}, which no model builds` });
      continue;
    }
    await wh.query(markStatement(schema, name, info.kind, m.path));
    out.push({ name, relation, status: 'adopted', reason: `${info.kind} owned by role "${info.owner}"` });
  }
  return out;
}
