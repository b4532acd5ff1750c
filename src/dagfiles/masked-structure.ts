import type { DagStructure } from '../dag/serialized-dag';
import type { JsonObject, JsonValue } from '../dag/types';
import { maskSecrets } from '../secrets/task-secrets';
import type { ImportIssue } from './parse-result';

/**
 * A DAG file that resolves a secret while it is imported (`readSecret` at its top level, not in a
 * task's `run`) may put the value into what is stored of it: a description, a param's default, a
 * task's doc or configuration (a command built from it), an import error. Those texts are stored
 * with the secrets the import registered masked; ids, edges and lineage are names the scheduler
 * matches on and are kept as written.
 */
export function maskedStructure(s: DagStructure): DagStructure {
  return {
    ...s,
    description: s.description === null ? null : maskSecrets(s.description),
    owner: maskSecrets(s.owner),
    tags: s.tags.map(maskSecrets),
    params: maskValues(s.params),
    tasks: s.tasks.map((t) => ({
      ...t,
      doc: t.doc === null ? null : maskSecrets(t.doc),
      config: t.config === null ? null : maskValues(t.config),
    })),
  };
}

export function maskedIssue(i: ImportIssue): ImportIssue {
  return { ...i, message: maskSecrets(i.message) };
}

function maskValues(o: JsonObject): JsonObject {
  const walk = (v: JsonValue): JsonValue =>
    typeof v === 'string'
      ? maskSecrets(v)
      : Array.isArray(v)
        ? v.map(walk)
        : v !== null && typeof v === 'object'
          ? maskValues(v)
          : v;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, walk(v)]));
}
