import path from 'node:path';
import type { Command } from 'commander';
import { compileModels, listModels, runSelectedModels } from '../../actions/models';
import { modelLineage } from '../../actions/model-lineage';
import { adoptModels } from '../../actions/adopt-models';
import { showModel, SHOW_LIMIT } from '../../actions/show-model';
import { commandRunContext } from '../../models/run-context';
import { warehouseOf } from '../../warehouse/database-warehouse';
import { config, withRuntime } from '../context';
import { json, ms, printRows, rowLimit, rowsFormat, table } from '../output';
import { SluiceError } from '../../errors/errors';

function threads(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new SluiceError('USAGE', `--threads must be a whole number >= 1, got "${v}"`);
  return n;
}

interface SelectFlags {
  select?: string[];
  exclude?: string[];
}
const selection = (o: SelectFlags) => ({ select: o.select, exclude: o.exclude });
const ref = (t: { dag: string; task: string }) => `${t.dag}.${t.task}`;

export function modelsCommands(program: Command): void {
  const models = program.command('models').description('compile, run, list and trace the SQL models in sql/');
  const withSelection = (c: Command) =>
    c
      .option(
        '-s, --select <selector...>',
        'dbt selection: name, +name, name+, tag:x, path:sql/marts, config.materialized:x',
      )
      .option('--exclude <selector...>', 'models to leave out (same syntax)');

  withSelection(
    models
      .command('compile')
      .description('render the selected models to <target>/compiled; report every problem with file:line:column'),
  )
    .option('--date <YYYY-MM-DD>', 'ds for {{ds}} and the data interval (default: today, UTC)')
    .option('--vars <json>', 'template vars, e.g. \'{"min_amount": 10}\'')
    .action((o: SelectFlags & { date?: string; vars?: string }) => {
      const cfg = config();
      const r = compileModels(cfg.projectRoot, cfg.targetFolder, commandRunContext(o.date, o.vars), selection(o));
      console.log(
        `compiled ${r.models} model(s) to ${path.relative(process.cwd(), path.join(cfg.targetFolder, 'compiled')) || '.'}`,
      );
    });

  withSelection(
    models.command('run').description('build the selected models in graph order; a failed model skips its downstream'),
  )
    .option('--full-refresh', 'rebuild incremental models from scratch')
    .option('--date <YYYY-MM-DD>', 'ds for {{ds}} and the data interval (default: today, UTC)')
    .option('--vars <json>', 'template vars')
    .option('--threads <n>', 'models built at once', threads, 4)
    .option('--json', 'machine-readable output')
    .action(
      async (
        o: SelectFlags & { fullRefresh?: boolean; date?: string; vars?: string; threads: number; json?: boolean },
      ) => {
        const cfg = config();
        const ctx = commandRunContext(o.date, o.vars);
        const results = await withRuntime(
          cfg,
          (rt) =>
            runSelectedModels({
              root: cfg.projectRoot,
              warehouse: warehouseOf(rt.db),
              ctx,
              selection: selection(o),
              fullRefresh: o.fullRefresh,
              concurrency: o.threads,
              onEvent: (e) => {
                if (!o.json && e.type === 'finish')
                  console.log(
                    `${e.result.status.padEnd(7)} ${e.result.name}${e.result.action === 'none' ? '' : ` (${e.result.action}${e.result.rows === undefined ? '' : `, ${e.result.rows} rows`})`} ${ms(e.result.ms)}`,
                  );
              },
            }),
          { announce: !o.json },
        );
        if (o.json) console.log(json(results));
        for (const r of results.filter((x) => x.status === 'error')) console.error(`\nerror in ${r.name}: ${r.error}`);
        const count = (s: string) => results.filter((r) => r.status === s).length;
        if (!o.json) console.log(`\n${count('success')} built, ${count('error')} failed, ${count('skipped')} skipped`);
        if (results.some((r) => r.status === 'error')) process.exitCode = 1;
      },
    );

  withSelection(
    models
      .command('adopt')
      .description('hand relations an earlier Sluice version built (no ownership mark) to the selected models'),
  )
    .option('--json', 'machine-readable output')
    .action(async (o: SelectFlags & { json?: boolean }) => {
      const cfg = config();
      const results = await withRuntime(cfg, (rt) => adoptModels(cfg.projectRoot, warehouseOf(rt.db), selection(o)), {
        announce: !o.json,
      });
      if (o.json) console.log(json(results));
      else
        for (const r of results) console.log(`${r.status.padEnd(7)} ${r.relation}${r.reason ? ` (${r.reason})` : ''}`);
      if (results.some((r) => r.status === 'refused')) process.exitCode = 1;
    });

  models
    .command('show')
    .description('compile one model and print the first rows of its SELECT (as `dbt show`); builds nothing')
    .argument('<model>', 'the model name')
    .option('--limit <n>', 'rows to show', rowLimit, SHOW_LIMIT)
    .option('--date <YYYY-MM-DD>', 'ds for {{ds}} and the data interval (default: today, UTC)')
    .option('--vars <json>', 'template vars')
    .option('--json', 'rows as a JSON array of objects')
    .option('--csv', 'rows as CSV with a header line')
    .action(async (name: string, o: { limit: number; date?: string; vars?: string; json?: boolean; csv?: boolean }) => {
      const format = rowsFormat(o);
      const cfg = config();
      const ctx = commandRunContext(o.date, o.vars);
      const result = await withRuntime(cfg, (rt) => showModel(rt.db, cfg.projectRoot, name, ctx, o.limit));
      printRows(result, format, o.limit);
    });

  withSelection(models.command('list').description('the selected models in graph order'))
    .option('--json', 'machine-readable output')
    .action((o: SelectFlags & { json?: boolean }) => {
      const list = listModels(config().projectRoot, selection(o));
      if (o.json) return void console.log(json(list));
      console.log(
        table(
          ['model', 'materialized', 'schema', 'path', 'tags'],
          list.map((m) => [m.name, m.materialized, m.schema, m.path, m.tags.join(',')]),
        ),
      );
    });

  models
    .command('lineage')
    .description('sources and seeds → models → the DAG tasks that produce and use them')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const cfg = config();
      const lineage = await withRuntime(
        cfg,
        async (rt) => {
          const { syncDagFiles } = require('../../actions/runtime') as typeof import('../../actions/runtime');
          await syncDagFiles(rt);
          return modelLineage(rt.db, cfg.projectRoot);
        },
        { announce: !o.json },
      );
      if (o.json) return void console.log(json(lineage));
      if (lineage.sources.length)
        console.log(
          table(
            ['source', 'table', 'loaded by', 'used by models'],
            lineage.sources.map((s) => [s.name, s.table, s.producedBy.map(ref).join(', '), s.usedBy.join(', ')]),
          ),
        );
      if (lineage.seeds.length) {
        if (lineage.sources.length) console.log('');
        console.log(
          table(
            ['seed', 'table', 'loaded by', 'used by models'],
            lineage.seeds.map((s) => [s.name, s.table, s.producedBy.map(ref).join(', '), s.usedBy.join(', ')]),
          ),
        );
      }
      if (lineage.sources.length || lineage.seeds.length) console.log('');
      console.log(
        table(
          ['model', 'materialized', 'reads', 'built by', 'used by'],
          lineage.models.map((m) => [
            m.name,
            m.materialized,
            [...m.sources.map((s) => `source:${s}`), ...m.seeds.map((s) => `seed:${s}`), ...m.models].join(', '),
            m.builtBy.map(ref).join(', '),
            [...m.usedByModels, ...m.usedByTasks.map(ref)].join(', '),
          ]),
        ),
      );
    });
}
