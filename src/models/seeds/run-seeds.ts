import type { Warehouse } from '../../db/queryable';
import { ValidationError, type Issue } from '../../errors/errors';
import { POSTGRES_TYPES, type ColumnType } from '../../lake/column-spec';
import { compileColumn } from '../../lake/columns';
import { isMalformedRow } from '../../lake/malformed';
import { loadedSeedChecksum, recordSeedLoad } from '../../state/seeds';
import { materializationOf } from '../materializations/registry';
import { columnTypes, lookupRelations } from '../relation';
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
  if (!req.fullRefresh) {
    const issues = (await Promise.all(seeds.map((s) => typeChanges(wh, s)))).flat();
    if (issues.length) throw new ValidationError('SEED_INVALID', 'seeds', issues);
  }
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

/**
 * Columns of a seed already loaded whose inferred type would change: a typo (`2018-01-5` in a date
 * column, `16OO` in a number column) would otherwise turn the column into text without a word, and
 * models built on it give wrong answers. Each is reported at the first value the old type refuses.
 * A declared type, or `--full-refresh`, changes a type on purpose.
 */
async function typeChanges(wh: Warehouse, seed: Seed): Promise<Issue[]> {
  const current = (await lookupRelations(wh, seed.schema, [seed.name])).relations.get(seed.name);
  if (current?.builtBy !== seed.path) return []; // not loaded yet, or not by this seed: the build says so
  const loaded = await columnTypes(wh, seed.schema, seed.name);
  const issues: Issue[] = [];
  seed.columns.forEach((c, i) => {
    const was = COLUMN_OF_POSTGRES.get(loaded.get(c.name) ?? '');
    if (!was || was === c.type || seed.declared.includes(c.name)) return;
    const check = compileColumn({ name: c.name, type: was }, { input: 'text' });
    let line: number | undefined;
    let why = '';
    for (let r = 0; r < seed.rows.length && line === undefined; r++) {
      try {
        check(seed.rows[r][i], `line ${seed.lines[r]}`);
      } catch (e) {
        if (!isMalformedRow(e)) throw e;
        line = seed.lines[r];
        why = `: ${e.message.replace(/^line \d+: /, '').replace(/^column "[^"]*" \([^)]*\): /, '')}`;
      }
    }
    issues.push({
      file: seed.path,
      ...(line === undefined ? {} : { line }),
      message:
        `column "${c.name}" was loaded as ${was} and would now be ${c.type}${why}. Fix the value, or declare the ` +
        `type in ${seed.path.replace(/\.csv$/, '.yml')} (columns: { ${c.name}: ${c.type} }), or load with --full-refresh to take the new type`,
    });
  });
  return issues;
}

const COLUMN_OF_POSTGRES = new Map(Object.entries(POSTGRES_TYPES).map(([k, v]) => [v, k as ColumnType]));
