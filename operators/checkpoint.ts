import path from 'node:path';
import { defineTask } from '../src/dag/task';
import type { TaskContext, TaskDefinition, TaskOptions } from '../src/dag/types';
import { formatIssue, isSluiceError, SluiceError } from '../src/errors/errors';
import { loadSuite } from '../src/checks/suite-file';
import { suiteTables, tableResolver, unknownTables, type TableResolver } from '../src/checks/suite-table';
import { runSuite } from '../src/checks/run-suite';
import { dependOn } from '../src/dag/parse-dependencies';
import { operatorConfig } from '../src/dag/operator-config';
import type { ValidationResult } from '../src/checks/types';
import { guardCall } from '../src/dag/guard-call';
import * as opt from '../src/dag/operator-options';

const RULES: opt.OptionRules = { suites: opt.required(opt.stringList), suitesDir: opt.string, projectDir: opt.string };

export interface CheckpointSpec<I extends string, U extends string> extends TaskOptions {
  readonly id: I;
  readonly upstream?: readonly U[];
  /** Suite names (`expectations/<name>.json`). */
  readonly suites: readonly string[];
  /** Default SLUICE_EXPECTATIONS_DIR or `expectations` in the working directory. */
  readonly suitesDir?: string;
  /** Folder holding `sql/`, to resolve suites whose table is a model name (default SLUICE_PROJECT_DIR or the working directory). */
  readonly projectDir?: string;
}

/**
 * Great Expectations' checkpoint as a gate: validates the suites against the warehouse, stores
 * every result and its Data Docs page, and fails the task when an error-severity expectation
 * fails, so its downstream tasks end upstream_failed and nothing is built on bad data. That
 * verdict is never retried; an infrastructure failure during the check is (twice by default).
 * Warn-severity failures are logged and recorded (a check_warned event) and the run goes on.
 * Suites are read when the DAG file is parsed (a missing or invalid suite, or a table that is no model,
 * seed or source, is a DAG import error) and again when the task runs: an edit is picked up by the
 * next run. A suite's `where`
 * may use `{{ds}}` and the other run macros, e.g. `"_ds = '{{ds}}'"`.
 */
export function checkpoint<const I extends string, const U extends string = never>(
  spec: CheckpointSpec<I, U>,
): TaskDefinition<I, U> {
  return guardCall('checkpoint', spec, () => checkpointTask(spec));
}

function checkpointTask<const I extends string, const U extends string>(
  spec: CheckpointSpec<I, U>,
): TaskDefinition<I, U> {
  const { suites, suitesDir, projectDir, ...task } = spec;
  const problems = opt.checkOptions(spec, RULES);
  const config = operatorConfig();
  const dir = path.resolve(typeof suitesDir === 'string' ? suitesDir : config.expectationsDir);
  const root = path.resolve(typeof projectDir === 'string' ? projectDir : config.projectRoot);
  dependOn(dir); // the tables a suite reads decide the checkpoint's place in the DAG
  const resolve = tableResolver(root);
  // Read now for `consumes`, so a suite that is missing, does not load or names no table is a problem
  // of the DAG file (at this task's line), found by `dags check` rather than at the first run.
  const tables = [
    ...new Set(
      (problems.length ? [] : suites).flatMap((s) => {
        const found = suiteProblems(path.join(dir, `${s}.json`), resolve);
        problems.push(...found.problems.map((p) => `suite "${s}": ${p}`));
        return found.tables;
      }),
    ),
  ];
  return defineTask(
    'checkpoint',
    {
      ...task,
      // A closed gate is a verdict (CHECK_FAILED fails at once, whatever tries are left); a crashed
      // gate is not: a killed worker or a dropped connection gets these retries.
      retries: task.retries ?? 2,
      // Runs after whatever task builds the tables it checks (load or model), without naming it.
      consumes: tables,
      run: (ctx) => runCheckpoint(ctx, suites, dir, root),
    },
    { suites: problems.length ? [] : [...suites] },
    problems,
    Object.keys(RULES),
  );
}

/** The tables a suite file reads, or why it cannot be run (each problem with the suite's file:line). */
function suiteProblems(file: string, resolve: TableResolver): { tables: string[]; problems: string[] } {
  try {
    const suite = loadSuite(file);
    const unknown = unknownTables(suite, resolve);
    return { tables: unknown.length ? [] : suiteTables(suite, resolve), problems: unknown.map(formatIssue) };
  } catch (e) {
    if (!isSluiceError(e)) throw e;
    return { tables: [], problems: e.issues.length ? e.issues.map(formatIssue) : [e.message] };
  }
}

async function runCheckpoint(ctx: TaskContext, suites: readonly string[], dir: string, root: string) {
  const outcomes: Array<{ v: ValidationResult; page: string }> = [];
  const resolveTable = tableResolver(root); // read afresh each run: a model may have moved schema
  for (const name of suites) {
    const { result: v, page } = await runSuite(ctx.warehouse, {
      file: path.join(dir, `${name}.json`),
      resolveTable,
      docsDir: operatorConfig().dataDocsDir,
      macros: ctx,
      run: { dagId: ctx.dagId, runId: ctx.runId, taskId: ctx.taskId, ds: ctx.ds },
    });
    outcomes.push({ v, page });
    for (const r of v.results) {
      const line = `${name}[${r.index}] ${r.type}: ${r.success ? 'passed' : r.severity === 'warn' ? 'WARNING' : 'FAILED'} — ${r.summary}`;
      if (r.success) ctx.log.info('%s', line);
      else if (r.severity === 'warn') ctx.log.warn('%s', line);
      else ctx.log.error('%s', line);
    }
    ctx.log.info(
      '%s on %s: %s (%d error(s), %d warning(s), %d queries); Data Docs: %s',
      name,
      v.table,
      v.success ? 'passed' : 'FAILED',
      v.errors,
      v.warnings,
      v.queries,
      page,
    );
  }
  const failed = outcomes.filter((o) => !o.v.success);
  if (failed.length) {
    throw new SluiceError(
      'CHECK_FAILED',
      failed
        .map(({ v, page }) => {
          const errs = v.results.filter((r) => !r.success && r.severity === 'error');
          return (
            `quality gate ${v.suite} failed on ${v.table}: ${errs.length} expectation(s) failed\n` +
            errs.map((r) => `  - [${r.index}] ${r.type}: ${r.summary}`).join('\n') +
            `\n  Data Docs: ${page}`
          );
        })
        .join('\n'),
    );
  }
  return outcomes.map(({ v }) => ({ suite: v.suite, success: v.success, errors: v.errors, warnings: v.warnings }));
}
