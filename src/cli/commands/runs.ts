import type { Command } from 'commander';
import { DEFAULT_RUN_LIMIT, listDagRuns, showRun } from '../../actions/runs';
import { syncDagFiles } from '../../actions/runtime';
import { SluiceError } from '../../errors/errors';
import { config, withRuntime } from '../context';
import { json, ms, table } from '../output';
import { runNotes } from '../failure-output';

function limit(v: string): number {
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new SluiceError('USAGE', `--limit must be a whole number >= 1, got "${v}"`);
  return n;
}

const iso = (d: Date | null) => d?.toISOString() ?? '';

export function runsCommands(program: Command): void {
  const runs = program.command('runs').description('list DAG runs and show one with its tasks and failures');

  runs
    .command('list')
    .description('runs, newest first, with state, logical date and duration')
    .option('--dag <id>', 'runs of this DAG only')
    .option('--state <state>', 'queued, running, success or failed')
    .option('--limit <n>', 'at most this many runs', limit, DEFAULT_RUN_LIMIT)
    .option('--json', 'machine-readable output')
    .action(async (o: { dag?: string; state?: string; limit: number; json?: boolean }) => {
      const r = await withRuntime(config(), async (rt) => {
        await syncDagFiles(rt);
        return listDagRuns(rt, { dagId: o.dag, state: o.state, limit: o.limit });
      });
      if (o.json) return void console.log(json(r));
      console.log(
        table(
          ['dag_id', 'run_id', 'type', 'state', 'logical date', 'started', 'duration'],
          r.map((x) => [x.dagId, x.runId, x.runType, x.state, iso(x.logicalDate), iso(x.startDate), ms(x.durationMs)]),
        ),
      );
    });

  runs
    .command('show <dag> <run_id>')
    .description('one run: state, dates, data interval, conf, each task, and why the failed tasks failed')
    .option('--json', 'machine-readable output')
    .action(async (dagId: string, runId: string, o: { json?: boolean }) => {
      const r = await withRuntime(config(), async (rt) => {
        await syncDagFiles(rt);
        return showRun(rt, dagId, runId);
      });
      if (o.json) return void console.log(json(r));
      console.log(
        [
          `run ${r.runId} of ${r.dagId} (${r.runType}): ${r.state}`,
          `  logical date   ${iso(r.logicalDate)}`,
          `  data interval  ${iso(r.dataIntervalStart)} – ${iso(r.dataIntervalEnd)}`,
          `  queued         ${iso(r.queuedAt)}`,
          `  started        ${iso(r.startDate)}`,
          `  ended          ${iso(r.endDate)}${r.durationMs === null ? '' : ` (${ms(r.durationMs)})`}`,
          `  conf           ${JSON.stringify(r.conf)}`,
          '',
          table(
            ['task', 'operator', 'state', 'tries', 'started', 'duration'],
            r.tasks.map((t) => [
              t.taskId,
              t.operator,
              t.state,
              `${t.tries}/${t.maxTries}`,
              iso(t.startDate),
              ms(t.durationMs),
            ]),
          ),
        ].join('\n'),
      );
      const notes = runNotes(r);
      if (notes) console.log(`\n${notes}`);
    });
}
