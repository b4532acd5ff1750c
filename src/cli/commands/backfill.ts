import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { planBackfill } from '../../actions/backfill';
import { runToCompletion } from '../../actions/run-to-completion';
import { config, withRuntime } from '../context';
import { syncAndFind } from './dags';

export function backfillCommand(program: Command): void {
  program.command('backfill <dag>').description('run every interval whose logical date is in [--start, --end], with a progress bar')
    .requiredOption('--start <date>', 'first logical date (YYYY-MM-DD or ISO, in the DAG timezone)')
    .requiredOption('--end <date>', 'last logical date (inclusive)')
    .option('--no-progress', 'no progress bar (for logs and scripts)')
    .action(async (dagId: string, o: { start: string; end: string; progress: boolean }) => {
      const outcome = await withRuntime(config(), async (rt) => {
        await syncAndFind(rt, dagId);
        const plan = await planBackfill(rt, dagId, o.start, o.end);
        if (plan.skipped) console.log(`${plan.skipped} interval(s) already have a run and are left alone`);
        const bar = o.progress && process.stderr.isTTY ? new SingleBar({ format: `${dagId} [{bar}] {value}/{total} runs | {eta_formatted} left` }, Presets.shades_classic) : undefined;
        bar?.start(plan.runIds.length, 0);
        const runs = await runToCompletion(rt, plan.runIds, (done, total) => {
          if (bar) bar.update(done);
          else console.log(`${done}/${total} runs finished`);
        });
        bar?.stop();
        return runs;
      });
      const failed = outcome.filter((r) => r.state !== 'success').length;
      console.log(`backfill of ${dagId}: ${outcome.length - failed} succeeded, ${failed} failed`);
      if (failed) process.exitCode = 1;
    });
}
