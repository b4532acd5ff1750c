import path from 'node:path';
import type { Command } from 'commander';
import { lintSuites } from '../../checks/lint';
import { chooseSuites, validateSuitesNow, type SuiteOutcome } from '../../actions/validate-suite';
import { observedText, sampleValues, showValue } from '../../checks/result-text';
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
      const r = lintSuites(cfg.expectationsDir, cfg.projectRoot);
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

  ex.command('validate [suites...]')
    .description(
      "validate suites now (default: every suite in the folder), as dbt test; print each expectation's result; exit 1 if an error-severity expectation failed or a suite could not run",
    )
    .option(
      '--date <YYYY-MM-DD>',
      "ds for {{ds}} in the suite's where and the data interval end for freshness (default: today, UTC)",
    )
    .option('--json', 'machine-readable output')
    .action(async (names: string[], o: { date?: string; json?: boolean }) => {
      const cfg = config();
      const chosen = chooseSuites(cfg.expectationsDir, names); // a typo fails before the database is opened
      const outcomes = await withRuntime(
        cfg,
        (rt) => validateSuitesNow(warehouseOf(rt.db), cfg, chosen, o.date, o.json ? undefined : printOutcome),
        { announce: !o.json },
      );
      const ran = outcomes.flatMap((x) => ('result' in x ? [x.result] : []));
      const failed = ran.filter((v) => !v.success).length;
      const broken = outcomes.length - ran.length;
      const success = failed === 0 && broken === 0;
      if (o.json)
        console.log(
          json({
            success,
            suites: outcomes.map((x) =>
              'result' in x
                ? { ...x.result, dataDocs: x.page }
                : { suite: x.suite, error: { code: x.error.code, message: x.error.message, issues: x.error.issues } },
            ),
          }),
        );
      else
        console.log(
          `\n${outcomes.length} suite(s): ${ran.length - failed} passed, ${failed} failed${broken ? `, ${broken} could not run` : ''} — ` +
            `${ran.reduce((n, v) => n + v.errors, 0)} error(s), ${ran.reduce((n, v) => n + v.warnings, 0)} warning(s)`,
        );
      if (!success) process.exitCode = 1;
    });
}

/** One suite's table of results, its verdict and its Data Docs page (or why it could not run). */
function printOutcome(x: SuiteOutcome): void {
  if (!('result' in x)) {
    console.log(`\n${x.suite}: could not run: ${x.error.message}`);
    return;
  }
  const v = x.result;
  console.log(
    `\n${table(
      ['#', 'expectation', 'severity', 'result', 'observed', 'samples', 'summary'],
      v.results.map((r) => [
        r.index,
        r.type,
        r.severity,
        r.success ? 'passed' : r.severity === 'warn' ? 'WARNING' : 'FAILED',
        short(observedText(r, 40)),
        short(
          sampleValues(r.sample ?? [], r.kwargs)
            .map((s) => showValue(s))
            .join(', '),
        ),
        r.summary,
      ]),
    )}`,
  );
  console.log(
    `\n${v.suite} on ${v.table}: ${v.success ? 'passed' : 'FAILED'} — ${v.errors} error(s), ${v.warnings} warning(s), ${v.queries} quer${v.queries === 1 ? 'y' : 'ies'} in ${Math.round(v.ms)} ms`,
  );
  console.log(`Data Docs: ${path.relative(process.cwd(), x.page)}`);
}

function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
