import type { Warehouse } from '../../db/queryable';
import { loadedSeedChecksum, recordSeedLoad } from '../../state/seeds';
import { materializationOf } from '../materializations/registry';
import { lookupRelations } from '../relation';
import { loadSeeds, selectSeeds, type Seed } from './seed-files';
import { seedModel } from './seed-model';

export interface SeedOutcome {
  readonly name: string;
  readonly relation: string;
  readonly path: string;
  /** `unchanged`: the table already holds this file (same checksum), so it was left alone. */
  readonly status: 'created' | 'replaced' | 'unchanged';
  readonly rows: number;
  readonly columns: Seed['columns'];
}

export interface SeedRequest {
  /** Seed names; every seed when absent. */
  readonly select?: readonly string[];
  /** Load even an unchanged file. */
  readonly fullRefresh?: boolean;
  readonly onSeed?: (o: SeedOutcome) => void;
}

/**
 * `sluice seed` and the seeds() operator: each selected seed whose file (or declared types) changed
 * since it was last loaded replaces its table, built beside the old one and swapped in within one
 * transaction (the table materialization: readers see the old rows or the new, never neither; views
 * models built on it are rebuilt in the same transaction). Only a table a seed or model built is
 * replaced.
 */
export async function runSeeds(wh: Warehouse, root: string, req: SeedRequest = {}): Promise<SeedOutcome[]> {
  const all = loadSeeds(root);
  const seeds = selectSeeds(all, req.select);
  const out: SeedOutcome[] = [];
  for (const seed of seeds) {
    const outcome = await runSeed(wh, seed, req.fullRefresh ?? false);
    req.onSeed?.(outcome);
    out.push(outcome);
  }
  return out;
}

async function runSeed(wh: Warehouse, seed: Seed, fullRefresh: boolean): Promise<SeedOutcome> {
  const base = { name: seed.name, relation: `${seed.schema}.${seed.name}`, path: seed.path, columns: seed.columns };
  const current = (await lookupRelations(wh, seed.schema, [seed.name])).relations.get(seed.name);
  if (!fullRefresh && current?.builtBy === seed.path) {
    if ((await loadedSeedChecksum(wh, seed.schema, seed.name)) === seed.checksum)
      return { ...base, status: 'unchanged', rows: seed.rows.length };
  }
  const built = await materializationOf('table').build({
    wh,
    model: seedModel(seed),
    file: seed.path,
    later: new Set(),
    fullRefresh: true,
  });
  const rows = built.rows ?? seed.rows.length;
  await recordSeedLoad(wh, { schema: seed.schema, table: seed.name, file: seed.path, checksum: seed.checksum, rows });
  return { ...base, status: current ? 'replaced' : 'created', rows };
}
