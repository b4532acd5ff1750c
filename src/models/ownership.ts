/**
 * The run-time half of "a model writes only what it owns" (targets.ts is the compile-time half):
 * before a model drops, replaces or writes into a relation, the relation must carry the marker of
 * a model (relation.ts). A raw table, a platform table or a table a person made is refused, the
 * error naming the model, its file and who owns the relation.
 */
import { quoteLiteral, quoteQualified } from '../db/quote';
import { sourcesLoadingInto } from '../state/load-targets';
import type { Queryable } from '../db/queryable';
import { MODEL_MARKER, type RelationInfo } from './relation';
import { schemaOwner } from './targets';
import type { CompiledModel } from './types';
import { modelProblem } from './model-error';

/** Schemas no model may build in whatever the project says (the project's own sources are checked at compile time). */
export function assertSchemaAllowed(model: CompiledModel, file: string): void {
  const owner = schemaOwner(model.schema);
  if (owner) throw refusal(model, file, `it cannot be built in schema "${model.schema}": ${owner}`);
}

/** Throws unless `info` (the relation under the model's name, if any) was built by a model. */
export async function assertReplaceable(
  q: Queryable,
  model: CompiledModel,
  file: string,
  info: RelationInfo | undefined,
): Promise<void> {
  if (!info || info.builtBy !== undefined) return;
  const relation = quoteQualified(model.schema, model.name);
  let owner = `owned by role "${info.owner}"`;
  if (info.rawLoad) {
    const sources = await sourcesLoadingInto(q, model.schema, model.name).catch(() => []);
    owner = `a raw table that loads write${sources.length ? ` (loaded by source ${sources.join(', ')})` : ''}, ${owner}`;
  }
  const kind = info.kind === 'view' ? 'VIEW' : 'TABLE';
  throw refusal(
    model,
    file,
    `${relation} exists and no Sluice model built it (${info.kind}, ${owner}); a model replaces only what a model built. ` +
      `Rename the model or drop ${relation} yourself; if an earlier Sluice version built it for this model, hand it over with ` +
      `\`sluice models adopt --select ${model.name}\` (or COMMENT ON ${kind} ${relation} IS ${quoteLiteral(MODEL_MARKER + file)})`,
  );
}

const refusal = modelProblem;
