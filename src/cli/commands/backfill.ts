import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { SingleBar, Presets } from 'cli-progress';
import { DEFAULT_MAX_RUNS, planBackfill } from '../../actions/backfill';
import { cancelBackfill, listDagBackfills, type BackfillSummary } from '../../actions/backfills';
import { runToCompletion } from '../../actions/run-to-completion';
import { runOutcome } from '../../actions/run-outcome';
import { SluiceError } from '../../errors/errors';
import { config, parseConf, withRuntime } from '../context';
import { json, table } from '../output';
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

function limit(v: string): number {
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new SluiceError('USAGE', `--limit must be a whole number >= 1, got "${v}"`);
  return n;
}

const iso = (d: Date | null) => d?.toISOString() ?? '';
const progress = (b: BackfillSummary) =>
  `${b.runs.success + b.runs.failed}/${b.runs.total} (${Math.floor(b.done * 100)}%)`;

/**
 * `sluice backfill <dag> --start --end` runs a backfill here (the default subcommand, `create`);
 * `list` and `cancel` see and stop the backfills a scheduler runs (made by the web UI or the API too).
 */
export function backfillCommand(program: Command): void {
  const group = program
    .command('backfill')
    .description('backfill a DAG over a range of logical dates; list and cancel backfills')
    .addHelpText(
      'after',
      '\n`sluice backfill <dag> --start D --end D` is short for `sluice backfill create <dag> ...`.',
    );

  group
    .command('list <dag>')
    .description("a DAG's backfills, newest first: state, range, runs by state, who created or cancelled it")
    .option('--state <state>', 'running, completed or cancelled')
    .option('--limit <n>', 'at most this many backfills', limit, 20)
    .option('--json', 'machine-readable output')
    .action(async (dagId: string, o: { state?: string; limit: number; json?: boolean }) => {
      const r = await withRuntime(config(), async (rt) => {
        await syncAndFind(rt, dagId);
        return listDagBackfills(rt, { dagId, state: o.state, limit: o.limit });
      });
      if (o.json) return void console.log(json(r.items));
      if (!r.items.length) return void console.log(`${dagId} has no backfills${o.state ? ` in state ${o.state}` : ''}`);
      console.log(
        table(
          ['id', 'state', 'from', 'to', 'done', 'queued', 'running', 'success', 'failed', 'created', 'by'],
          r.items.map((b) => [
            b.id,
            b.state,
            iso(b.from),
            iso(b.to),
            progress(b),
            b.runs.queued,
            b.runs.running,
            b.runs.success,
            b.runs.failed,
            iso(b.createdAt),
            b.createdBy,
          ]),
        ),
      );
    });

  group
    .command('cancel <dag> <id>')
    .description('cancel a backfill: its runs not yet started never start, running runs finish')
    .action(async (dagId: string, id: string) => {
      const r = await withRuntime(config(), async (rt) => {
        await syncAndFind(rt, dagId);
        return cancelBackfill(rt, dagId, id);
      });
      const b = r.backfill;
      console.log(
        `cancelled backfill ${b.id} of ${dagId}: ${r.notStarted} run(s) will not start, ${b.runs.running} running run(s) finish`,
      );
    });

  group
    .command('create <dag>', { isDefault: true })
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
