import path from 'node:path';
import type { Command } from 'commander';
import { lintSuites } from '../../checks/lint';
import { validateSuiteNow } from '../../actions/validate-suite';
import { formatIssue } from '../../errors/errors';
import { warehouseOf } from '../../warehouse/database-warehouse';
import { config, withRuntime } from '../context';
import { json, table } from '../output';

export function expectationsCommands(program: Command): void {
  const ex = program.command('expectations').description('lint and run the expectation suites in expectations/');

  ex.command('lint')
    .description('check every suite file; print every problem with file, line and JSON pointer; exit 1 if any')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => {
      const cfg = config();
      const r = lintSuites(cfg.expectationsDir);
      const rel = (f: string) => path.relative(process.cwd(), f) || f;
      if (o.json)
        console.log(
          json({
            files: r.files.map(rel),
            suites: r.suites.map((s) => s.name),
            issues: r.issues.map((i) => ({ ...i, file: i.file && rel(i.file) })),
          }),
        );
      else {
        for (const i of r.issues) console.log(formatIssue({ ...i, file: i.file && rel(i.file) }));
        console.log(
          `${r.files.length} suite file(s), ${r.suites.reduce((n, s) => n + s.expectations.length, 0)} expectation(s), ${r.issues.length} problem(s)`,
        );
      }
      if (r.issues.length) process.exitCode = 1;
    });

  ex.command('validate <suite>')
    .description(
      "validate one suite now; print each expectation's result; exit 1 if an error-severity expectation failed",
    )
    .option(
      '--date <YYYY-MM-DD>',
      "ds for {{ds}} in the suite's where and the data interval end for freshness (default: today, UTC)",
    )
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { date?: string; json?: boolean }) => {
      const cfg = config();
      const { result: v, page } = await withRuntime(
        cfg,
        (rt) => validateSuiteNow(warehouseOf(rt.db), cfg, name, o.date),
        { announce: !o.json },
      );
      if (o.json) console.log(json({ ...v, dataDocs: page }));
      else {
        console.log(
          table(
            ['#', 'expectation', 'severity', 'result', 'observed', 'summary'],
            v.results.map((r) => [
              r.index,
              r.type,
              r.severity,
              r.success ? 'passed' : r.severity === 'warn' ? 'WARNING' : 'FAILED',
              short(r.observed),
              r.summary,
            ]),
          ),
        );
        console.log(
          `\n${v.suite} on ${v.table}: ${v.success ? 'passed' : 'FAILED'} — ${v.errors} error(s), ${v.warnings} warning(s), ${v.queries} quer${v.queries === 1 ? 'y' : 'ies'} in ${Math.round(v.ms)} ms`,
        );
        console.log(`Data Docs: ${path.relative(process.cwd(), page)}`);
      }
      if (!v.success) process.exitCode = 1;
    });
}

function short(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
