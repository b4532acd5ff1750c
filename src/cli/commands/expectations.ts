import path from 'node:path';
import type { Command } from 'commander';
import { lintSuites } from '../../checks/lint';
import { recordValidation } from '../../checks/record-validation';
import { loadSuite } from '../../checks/suite-file';
import { resolveSuiteTable } from '../../checks/suite-table';
import { validateSuite } from '../../checks/validate';
import { renderMacros } from '../../dag/templated';
import { formatIssue } from '../../errors/errors';
import { commandRunContext } from '../../models/run-context';
import { warehouseOf } from '../../warehouse/database-warehouse';
import { config, withRuntime } from '../context';
import { json, table } from '../output';

export function expectationsCommands(program: Command): void {
  const ex = program.command('expectations').description('lint and run the expectation suites in expectations/');

  ex.command('lint').description('check every suite file; print every problem with file, line and JSON pointer; exit 1 if any')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => {
      const cfg = config();
      const r = lintSuites(cfg.expectationsDir);
      const rel = (f: string) => path.relative(process.cwd(), f) || f;
      if (o.json) console.log(json({ files: r.files.map(rel), suites: r.suites.map((s) => s.name), issues: r.issues.map((i) => ({ ...i, file: i.file && rel(i.file) })) }));
      else {
        for (const i of r.issues) console.log(formatIssue({ ...i, file: i.file && rel(i.file) }));
        console.log(`${r.files.length} suite file(s), ${r.suites.reduce((n, s) => n + s.expectations.length, 0)} expectation(s), ${r.issues.length} problem(s)`);
      }
      if (r.issues.length) process.exitCode = 1;
    });

  ex.command('validate <suite>').description('validate one suite now; print each expectation\'s result; exit 1 if an error-severity expectation failed')
    .option('--date <YYYY-MM-DD>', 'ds for {{ds}} in the suite\'s where and the data interval end for freshness (default: today, UTC)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { date?: string; json?: boolean }) => {
      const cfg = config();
      const rc = commandRunContext(o.date, undefined);
      const suite = loadSuite(path.join(cfg.expectationsDir, `${name}.json`));
      // The suite's where may use the run macros; outside a run they come from --date.
      const macros = { ds: rc.ds, dataIntervalStart: rc.dataIntervalStart, dataIntervalEnd: rc.dataIntervalEnd, dagId: 'cli', runId: 'cli' };
      const resolved = { ...suite, table: resolveSuiteTable(suite.table, cfg.projectRoot), where: suite.where === undefined ? undefined : renderMacros(suite.where, macros) };
      const out = await withRuntime(cfg, async (rt) => {
        const wh = warehouseOf(rt.db);
        const v = await validateSuite(wh, resolved, { ds: rc.ds, dataIntervalEnd: rc.dataIntervalEnd });
        const { page } = await recordValidation(wh, v, cfg.dataDocsDir);
        return { v, page: path.join(cfg.dataDocsDir, page) };
      }, { announce: !o.json });
      const { v, page } = out;
      if (o.json) console.log(json({ ...v, dataDocs: page }));
      else {
        console.log(table(['#', 'expectation', 'severity', 'result', 'observed', 'summary'], v.results.map((r) => [
          r.index, r.type, r.severity, r.success ? 'passed' : r.severity === 'warn' ? 'WARNING' : 'FAILED',
          short(r.observed), r.summary,
        ])));
        console.log(`\n${v.suite} on ${v.table}: ${v.success ? 'passed' : 'FAILED'} — ${v.errors} error(s), ${v.warnings} warning(s), ${v.queries} quer${v.queries === 1 ? 'y' : 'ies'} in ${Math.round(v.ms)} ms`);
        console.log(`Data Docs: ${path.relative(process.cwd(), page)}`);
      }
      if (!v.success) process.exitCode = 1;
    });
}

function short(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
