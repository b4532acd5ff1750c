import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { SingleBar, Presets } from 'cli-progress';
import { DEFAULT_MAX_RUNS, planBackfill } from '../../actions/backfill';
import { runToCompletion } from '../../actions/run-to-completion';
import { runOutcome } from '../../actions/run-outcome';
import { SluiceError } from '../../errors/errors';
import { config, parseConf, withRuntime } from '../context';
import { syncAndFind } from './dags';
import { runNotes } from '../failure-output';

function maxRuns(v: string): number {
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1)
    throw new SluiceError('USAGE', `--max-runs must be a whole number >= 1, got "${v}"`);
  return n;
}

/** On a terminal, a backfill over the limit asks; in scripts it needs --yes. */
async function askOnTerminal(runs: string, limit: number): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `This backfill creates ${runs} runs (more than ${limit.toLocaleString('en-US')}). Create them? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export function backfillCommand(program: Command): void {
  program
    .command('backfill <dag>')
    .description('run every interval whose logical date is in [--start, --end], with a progress bar')
    .requiredOption('--start <date>', 'first logical date (YYYY-MM-DD or ISO, in the DAG timezone)')
    .requiredOption('--end <date>', 'last logical date (inclusive)')
    .option('--conf <json>', 'run parameters overriding the DAG params, for every run')
    .option('--max-runs <n>', `more runs than this need --yes (or a yes on a terminal)`, maxRuns, DEFAULT_MAX_RUNS)
    .option('-y, --yes', 'create the runs even when there are more than --max-runs')
    .option('--no-progress', 'no progress bar (for logs and scripts)')
    .action(
      async (
        dagId: string,
        o: { start: string; end: string; conf?: string; maxRuns: number; yes?: boolean; progress: boolean },
      ) => {
        const conf = parseConf(o.conf);
        const interactive = process.stdin.isTTY && process.stderr.isTTY;
        const outcome = await withRuntime(config(), async (rt) => {
          await syncAndFind(rt, dagId, { toRun: true });
          const plan = await planBackfill(rt, dagId, o.start, o.end, {
            conf,
            maxRuns: o.maxRuns,
            yes: o.yes,
            confirm: interactive ? askOnTerminal : undefined,
          });
          if (plan.skipped) console.log(`${plan.skipped} interval(s) already have a run and are left alone`);
          const bar =
            o.progress && process.stderr.isTTY
              ? new SingleBar(
                  { format: `${dagId} [{bar}] {value}/{total} runs | {eta_formatted} left` },
                  Presets.shades_classic,
                )
              : undefined;
          bar?.start(plan.runIds.length, 0);
          const runs = await runToCompletion(rt, plan.runIds, (done, total) => {
            if (bar) bar.update(done);
            else console.log(`${done}/${total} runs finished`);
          });
          bar?.stop();
          // Each failed run with why its tasks failed; kept landings are said for every run.
          for (const run of runs) {
            const r = await runOutcome(rt, run.id);
            const notes = runNotes(r.state === 'success' ? { ...r, failures: [] } : r);
            if (notes) console.log(`\nrun ${r.runId}: ${r.state}\n${notes}`);
          }
          return runs;
        });
        const failed = outcome.filter((r) => r.state !== 'success').length;
        console.log(`backfill of ${dagId}: ${outcome.length - failed} succeeded, ${failed} failed`);
        if (failed) process.exitCode = 1;
      },
    );
}
