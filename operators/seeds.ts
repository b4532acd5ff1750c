import path from 'node:path';
import { defineTask } from '../src/dag/task';
import type { TaskDefinition, TaskOptions } from '../src/dag/types';
import { dependOn } from '../src/dag/parse-dependencies';
import { operatorConfig } from '../src/dag/operator-config';
import { loadSeeds, SEEDS_FOLDER, selectSeeds } from '../src/models/seeds/seed-files';
import { runSeeds, type SeedOutcome } from '../src/models/seeds/run-seeds';
import { guardCall } from '../src/dag/guard-call';
import * as opt from '../src/dag/operator-options';

// id and upstream are every task's (defineTask).
const RULES: opt.OptionRules = { select: opt.stringList, projectDir: opt.string };

export interface SeedsSpec extends TaskOptions {
  readonly id: string;
  /** Seed names (file names without `.csv`); default every seed in `seeds/`. */
  readonly select?: readonly string[];
  /** Folder holding `seeds/`; default the project root (SLUICE_PROJECT_DIR or the working directory). */
  readonly projectDir?: string;
  readonly upstream?: string | readonly string[];
}

/**
 * One task that loads the project's seeds (as `dbt seed`): each CSV whose file changed since its
 * last load replaces its table in one transaction; an unchanged one is left alone. It `produces`
 * every seed table, so models that `ref` a seed, and checkpoints on one, run after it. `--conf
 * '{"full_refresh": true}'` loads unchanged seeds too. Returns what happened to each seed.
 */
export function seeds(spec: SeedsSpec): TaskDefinition<string, string> {
  return guardCall('seeds', spec, () => seedsTask(spec));
}

function seedsTask(spec: SeedsSpec): TaskDefinition<string, string> {
  const { id, select, projectDir, upstream = [], ...options } = spec;
  const problems = opt.checkOptions(spec, RULES);
  const root = path.resolve(typeof projectDir === 'string' ? projectDir : operatorConfig().projectRoot);
  dependOn(path.join(root, SEEDS_FOLDER)); // a new seed is a new table the DAG produces: parse it again then
  // An unknown name fails here, when the DAG file is parsed, naming it (not at the first run).
  const chosen = problems.length ? [] : selectSeeds(loadSeeds(root), select);
  return defineTask(
    'seeds',
    {
      ...options,
      id,
      upstream,
      produces: chosen.map((s) => `${s.schema}.${s.name}`),
      run: async (ctx): Promise<{ seeds: Array<Pick<SeedOutcome, 'relation' | 'status' | 'rows'>> }> => {
        const results = await runSeeds(ctx.warehouse, root, {
          select,
          fullRefresh: (ctx.params as Record<string, unknown>).full_refresh === true,
          onSeed: (s) => ctx.log.info('%s %s (%d rows) from %s', s.status, s.relation, s.rows, s.path),
        });
        return { seeds: results.map(({ relation, status, rows }) => ({ relation, status, rows })) };
      },
    },
    { seeds: chosen.map((s) => s.name) },
    problems,
    Object.keys(RULES),
  );
}
