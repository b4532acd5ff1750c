/**
 * Every suite in a folder checked without a database: every problem of every file at once, with
 * file, JSON pointer, line and column. Checkpoints name suites by file (`expectations/<name>.json`),
 * so a suite's name must match its file's and be unique. With the project's root, every table a
 * suite names must be a model, seed or source, or be written `schema.table`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSuiteText, suiteIssue, type SuiteIssue } from './suite-file';
import { tableResolver, unknownTables } from './suite-table';
import type { Suite } from './types';

export interface LintResult {
  readonly files: readonly string[];
  /** The suites without problems. */
  readonly suites: readonly Suite[];
  readonly issues: readonly SuiteIssue[];
}

export function lintSuites(folder: string, projectRoot?: string): LintResult {
  const dir = path.resolve(folder);
  // Absolute and with its setting, as the DAG folder's: run from the wrong directory, a relative name says nothing.
  if (!existsSync(dir))
    return {
      files: [],
      suites: [],
      issues: [
        {
          pointer: '',
          message: `the expectations folder ${dir} does not exist (SLUICE_EXPECTATIONS_DIR; create it, or set SLUICE_EXPECTATIONS_DIR to the folder holding your suites)`,
        },
      ],
    };
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
  const suites: Suite[] = [];
  const issues: SuiteIssue[] = [];
  const byName = new Map<string, string>();
  const resolve = projectRoot === undefined ? undefined : tableResolver(projectRoot);
  for (const file of files) {
    const r = parseSuiteText(readFileSync(file, 'utf8'), file);
    issues.push(...r.issues);
    if (!r.suite) continue;
    const base = path.basename(file, '.json');
    const problems: SuiteIssue[] = [];
    if (r.suite.name !== base)
      problems.push(
        suiteIssue(
          r.suite,
          '/name',
          `suite "${r.suite.name}" is in ${base}.json: name the file ${r.suite.name}.json (checkpoints find suites by file name)`,
        ),
      );
    const twin = byName.get(r.suite.name);
    if (twin)
      problems.push(suiteIssue(r.suite, '/name', `suite "${r.suite.name}" is also defined in ${path.basename(twin)}`));
    byName.set(r.suite.name, file);
    if (resolve) problems.push(...unknownTables(r.suite, resolve));
    issues.push(...problems);
    if (!problems.length) suites.push(r.suite);
  }
  return { files, suites, issues };
}
