import type { Command } from 'commander';
import { testTask } from '../../actions/test-task';
import { findTaskTry, followTaskTryLog, taskTryLog } from '../../actions/task-logs';
import { syncDagFiles } from '../../actions/runtime';
import { SluiceError } from '../../errors/errors';
import { config, optionalDate, parseConf, withRuntime } from '../context';
import { syncAndFind } from './dags';
import { ms } from '../output';
import { failureBlocks, keptLines } from '../failure-output';

export function tasksCommands(program: Command): void {
  const tasks = program.command('tasks').description('work with single tasks');
  tasks
    .command('test <dag> <task>')
    .description('run one task now, ignoring its dependencies and recording no state; print its log')
    .option('--date <date>', 'logical date (YYYY-MM-DD or ISO)')
    .option('--conf <json>', 'run parameters overriding the DAG params (ctx.params)')
    .action(async (dagId: string, taskId: string, o: { date?: string; conf?: string }) => {
      const conf = parseConf(o.conf);
      const r = await withRuntime(config(), async (rt) => {
        const dag = await syncAndFind(rt, dagId, { toRun: true });
        return testTask(
          rt,
          dagId,
          taskId,
          optionalDate(o.date, dag.structure.timezone),
          (text) => process.stdout.write(text),
          conf,
        );
      });
      if (r.ok) {
        console.log(
          `${dagId}.${taskId} succeeded in ${ms(r.ms)}${r.value !== undefined ? `, returned ${JSON.stringify(r.value)}` : ''}`,
        );
        if (r.kept) console.log(keptLines([r.kept]));
      } else {
        console.log(r.failure ? failureBlocks([r.failure]) : r.error);
        console.log(`${dagId}.${taskId} failed after ${ms(r.ms)}`);
        process.exitCode = 1;
      }
    });

  tasks
    .command('logs <dag> <task>')
    .description("print a task's log: of the latest run (or --run) and the latest try (or --try)")
    .option('--run <run_id>', 'the run (see `sluice runs list`); default the newest run that has the task')
    .option('--try <n>', 'the try number; default the latest', tryNumber)
    .option('-f, --follow', 'keep printing new lines until the try ends')
    .action(async (dagId: string, taskId: string, o: { run?: string; try?: number; follow?: boolean }) => {
      await withRuntime(config(), async (rt) => {
        await syncDagFiles(rt);
        const t = await findTaskTry(rt.db, dagId, taskId, { runId: o.run, tryNumber: o.try });
        process.stderr.write(`${dagId}.${taskId}, run ${t.runId}, try ${t.tryNumber} of ${t.tries} (${t.state})\n`);
        if (o.follow) await followTaskTryLog(rt.db, t, (text) => process.stdout.write(text));
        else process.stdout.write(await taskTryLog(rt.db, t));
      });
    });
}

function tryNumber(v: string): number {
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new SluiceError('USAGE', `--try must be a whole number >= 1, got "${v}"`);
  return n;
}
