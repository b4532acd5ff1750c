import path from 'node:path';
import type { Command } from 'commander';
import { listDags, withNextRuns } from '../../actions/list-dags';
import { pauseDag } from '../../actions/pause-dag';
import { triggerDag } from '../../actions/trigger-dag';
import { checkDagFiles } from '../../actions/check-dag-files';
import { testDag } from '../../actions/test-dag';
import { syncDagFiles, type Runtime } from '../../actions/runtime';
import { findDag, findDagToRun } from '../../actions/find-dag';
import { config, optionalDate, parseConf, withRuntime } from '../context';
import { importErrorLines, json, ms, table } from '../output';
import { formatIssue } from '../../errors/errors';
import { runNotes } from '../failure-output';

export function dagsCommands(program: Command): void {
  const dags = program.command('dags').description('list, check, test, trigger and pause DAGs');

  dags
    .command('list')
    .description('DAGs with schedule, owner, file, paused and next run; import errors after')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const cfg = config();
      const out = await withRuntime(cfg, async (rt) => {
        await syncDagFiles(rt);
        const listed = await listDags(rt.db);
        return { dags: await withNextRuns(rt.db, listed.dags), importErrors: listed.importErrors };
      });
      // Exit 1 on import errors with --json too: a script must not read a broken DAG folder as fine.
      if (out.importErrors.length) process.exitCode = 1;
      if (o.json) return void console.log(json(out));
      const rel = (f: string) => path.relative(process.cwd(), f);
      console.log(
        table(
          ['dag_id', 'schedule', 'owner', 'file', 'paused', 'next run'],
          out.dags.map((d) => [
            d.dagId,
            d.schedule ?? 'manual',
            d.owner,
            rel(d.file),
            d.paused ? 'yes' : 'no',
            d.nextRun?.toISOString() ?? '',
          ]),
        ),
      );
      if (out.importErrors.length) {
        console.log(`\nimport errors (${out.importErrors.length}):`);
        console.log(importErrorLines(out.importErrors.map((e) => ({ ...e, file: rel(e.file) }))));
      }
    });

  dags
    .command('check [path]')
    .description('parse every DAG file (or one file/folder) and print every error with file:line; exit 1 if any')
    .option('--json', 'machine-readable output')
    .action(async (target: string | undefined, o: { json?: boolean }) => {
      const cfg = config();
      const r = await checkDagFiles(
        path.resolve(target ?? cfg.dagsFolder),
        cfg.parse,
        target === undefined ? 'SLUICE_DAGS_FOLDER' : undefined,
      );
      if (o.json) console.log(json(r));
      else {
        for (const i of r.issues)
          console.log(
            formatIssue({
              file: path.relative(process.cwd(), i.file),
              line: i.line ?? undefined,
              column: i.column ?? undefined,
              message: i.message,
            }),
          );
        console.log(`${r.files} file(s), ${r.dags.length} DAG(s), ${r.issues.length} error(s) in ${ms(r.ms)}`);
      }
      if (r.issues.length) process.exitCode = 1;
    });

  dags
    .command('test <dag>')
    .description('run one DAG run to the end in this process; exit 0 only if it succeeded')
    .option('--date <date>', 'logical date (YYYY-MM-DD or ISO), default: the latest complete interval')
    .option('--conf <json>', 'run parameters overriding the DAG params')
    .option('--json', 'machine-readable output')
    .action(async (dagId: string, o: { date?: string; conf?: string; json?: boolean }) => {
      const cfg = config();
      const conf = parseConf(o.conf);
      const r = await withRuntime(cfg, async (rt) => testDag(rt, dagId, { dateText: o.date, conf }), {
        announce: !o.json,
      });
      if (o.json) console.log(json(r));
      else {
        console.log(
          table(
            ['task', 'state', 'tries', 'duration'],
            r.tasks.map((t) => [t.task_id, t.state, t.try_number, ms(t.duration_ms)]),
          ),
        );
        const notes = runNotes(r);
        if (notes) console.log(`\n${notes}\n`);
        console.log(`run ${r.runId}: ${r.state}`);
      }
      if (r.state !== 'success') process.exitCode = 1;
    });

  dags
    .command('trigger <dag>')
    .description('create a manual run now (the scheduler runs it)')
    .option('--date <date>', 'logical date (YYYY-MM-DD or ISO)')
    .option('--conf <json>', 'run parameters overriding the DAG params')
    .option('--json', 'machine-readable output')
    .action(async (dagId: string, o: { date?: string; conf?: string; json?: boolean }) => {
      const cfg = config();
      const conf = parseConf(o.conf);
      const r = await withRuntime(cfg, async (rt) => {
        const dag = await syncAndFind(rt, dagId);
        return triggerDag(rt, dagId, { date: optionalDate(o.date, dag.structure.timezone), conf });
      });
      if (o.json) console.log(json(r));
      else
        console.log(
          `triggered ${dagId}: run ${r.runId} (data interval ${r.interval.start.toISOString()} – ${r.interval.end.toISOString()})`,
        );
    });

  for (const [name, paused] of [
    ['pause', true],
    ['unpause', false],
  ] as const) {
    dags
      .command(`${name} <dag>`)
      .description(paused ? 'stop scheduling new runs of a DAG' : 'resume scheduling a DAG')
      .action(async (dagId: string) => {
        await withRuntime(config(), async (rt) => {
          await syncAndFind(rt, dagId);
          await pauseDag(rt, dagId, paused);
        });
        console.log(`${dagId} ${paused ? 'paused' : 'unpaused'}`);
      });
  }
}

/**
 * One-shot commands see the DAG folder as it is now, even with no scheduler running; those that run
 * the DAG here (`toRun`) refuse a DAG whose file no longer imports.
 */
export async function syncAndFind(rt: Runtime, dagId: string, opts: { toRun?: boolean } = {}) {
  await syncDagFiles(rt);
  return opts.toRun ? findDagToRun(rt.db, dagId, rt.config.dagsFolder) : findDag(rt.db, dagId);
}
