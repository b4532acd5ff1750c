/**
 * Every materialization, in the order messages list them. A new kind is a file in this folder
 * exporting a defineMaterialization(…) and one entry here: the Materialization and ModelAction
 * types, config-block validation, selection's `config.materialized:` and materialize()'s dispatch
 * all come from this list (and docs/models.md's list, by `npm run docs:generate`).
 */
import { ephemeral } from './ephemeral';
import { incremental } from './incremental';
import { table } from './table';
import { view } from './view';

export const MATERIALIZATION_KINDS = [view, table, incremental, ephemeral] as const;

export type Materialization = (typeof MATERIALIZATION_KINDS)[number]['name'];

/** What a build did (one of its kind's actions), or `none`: not built (failed or skipped). */
export type ModelAction = (typeof MATERIALIZATION_KINDS)[number]['actions'][number] | 'none';

/** What a model gets when its config block says nothing. */
export const DEFAULT_MATERIALIZATION: Materialization = 'view';

export const MATERIALIZATIONS: readonly Materialization[] = MATERIALIZATION_KINDS.map((k) => k.name);

type Kind = (typeof MATERIALIZATION_KINDS)[number];

const BY_NAME = new Map<string, Kind>(MATERIALIZATION_KINDS.map((k) => [k.name, k]));

/** The kind named `name`, or undefined for a name no kind has. */
export function findMaterialization(name: string): Kind | undefined {
  return BY_NAME.get(name);
}

/** The kind of a name the types vouch for (a model's config). */
export function materializationOf(name: Materialization): Kind {
  return BY_NAME.get(name)!;
}

export function isMaterialization(name: string): name is Materialization {
  return BY_NAME.has(name);
}
