import type { Dag } from './types';

/*
 * DAGs built while a DAG file is imported, so the parser can tell a DAG that was defined but not
 * exported (invisible to Sluice, silently never scheduled) from a file with no DAG at all. Only
 * the parse child collects: a worker loading files for years must not keep every DAG it built.
 */
let collected: Dag[] | undefined;

export function collectDefinedDags(): void {
  collected = [];
}

export function noteDefinedDag(dag: Dag): void {
  collected?.push(dag);
}

/** The DAGs defined since collectDefinedDags(); collecting stops. */
export function takeDefinedDags(): Dag[] {
  const out = collected ?? [];
  collected = undefined;
  return out;
}
