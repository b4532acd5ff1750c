import { compileModel } from '../models/compile';
import { loadProject } from '../models/project';
import { commandRunContext } from '../models/run-context';
import { SluiceError } from '../errors/errors';
import { didYouMean } from '../util/did-you-mean';
import { describeModel, listModels, type ModelListing } from './models';

export interface ModelFilter {
  /** Text in the model's name. */
  readonly q?: string;
  readonly schema?: string;
  readonly materialized?: string;
}

/** The project's models in graph order, filtered by name text, schema and materialization. */
export function findModels(root: string, f: ModelFilter = {}): ModelListing[] {
  const q = f.q?.toLowerCase();
  return listModels(root).filter(
    (m) =>
      (!q || m.name.toLowerCase().includes(q)) &&
      (!f.schema || m.schema === f.schema) &&
      (!f.materialized || m.materialized === f.materialized),
  );
}

/** One model and its SELECT compiled for day `ds` (default today), as `sluice models compile` renders it. */
export function modelWithSql(root: string, name: string, ds?: string): ModelListing & { readonly compiledSql: string } {
  const project = loadProject(root);
  const node = project.models.get(name);
  if (!node) throw new SluiceError('NOT_FOUND', `no model "${name}"${didYouMean(name, project.models.keys())}`);
  const compiled = compileModel(project, name, commandRunContext(ds, undefined), { isIncremental: false });
  return { ...describeModel(node), compiledSql: compiled.sql };
}
