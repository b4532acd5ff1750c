import type { Command } from 'commander';
import { testTask } from '../../actions/test-task';
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
        const dag = await syncAndFind(rt, dagId);
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
}
