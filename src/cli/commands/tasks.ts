import type { Command } from 'commander';
import { testTask } from '../../actions/test-task';
import { findTaskTry, followTaskTryLog, taskTryLog } from '../../actions/task-logs';
import { syncDagFiles } from '../../actions/runtime';
import os from 'node:os';
import { SluiceError } from '../../errors/errors';
import { clearTasks, markTask, planClear } from '../../actions/task-interventions';
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
  tasks
    .command('clear <dag> <run_id> <tasks...>')
    .description(
      'run tasks of a run again (with their downstream unless --no-downstream); lists them, then --yes clears',
    )
    .option('--no-downstream', 'only the named tasks, not those after them')
    .option('--upstream', 'also the tasks before them')
    .option('--only-failed', 'only tasks that failed or were never run because an upstream failed')
    .option('-y, --yes', 'clear them (without it, only list what would be cleared)')
    .action(
      async (
        dagId: string,
        runId: string,
        taskIds: string[],
        o: { downstream: boolean; upstream?: boolean; onlyFailed?: boolean; yes?: boolean },
      ) => {
        const req = { dagId, runId, taskIds, downstream: o.downstream, upstream: o.upstream, onlyFailed: o.onlyFailed };
        const plan = await withRuntime(config(), (rt) =>
          o.yes ? clearTasks(rt, { ...req, by: `cli:${os.userInfo().username}` }) : planClear(rt, req),
        );
        if (!plan.tasks.length) return void console.log('nothing to clear: no such task has run yet');
        for (const t of plan.tasks) console.log(`${t.taskId.padEnd(32)} ${t.state}`);
        console.log(
          o.yes
            ? `cleared ${plan.tasks.length} task(s) of run ${plan.runId}: the scheduler runs them again`
            : `\n${plan.tasks.length} task(s) would be cleared; add --yes to clear them`,
        );
      },
    );

  tasks
    .command('mark <dag> <run_id> <task> <state>')
    .description('set an ended task instance to success or failed; its downstream tasks follow')
    .action(async (dagId: string, runId: string, taskId: string, state: string) => {
      if (state !== 'success' && state !== 'failed')
        throw new SluiceError('USAGE', `state must be success or failed, got "${state}"`);
      const r = await withRuntime(config(), (rt) =>
        markTask(rt, { dagId, runId, taskId, state, by: `cli:${os.userInfo().username}` }),
      );
      console.log(`${dagId}.${taskId} in run ${runId}: ${r.was} -> ${state}`);
    });
}

function tryNumber(v: string): number {
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new SluiceError('USAGE', `--try must be a whole number >= 1, got "${v}"`);
  return n;
}
