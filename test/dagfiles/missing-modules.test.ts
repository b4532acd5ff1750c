import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkDagFiles } from '../../src/actions/check-dag-files';
import { tempProject } from '../support/sandbox';

/*
 * A DAG file whose import cannot be found is one short import error at the import's line, naming
 * the module (Node's message carried the whole require stack and a `fields: {…}` line after it).
 */
const issuesOf = async (dags: string) =>
  (await checkDagFiles(dags, { processes: 1, timeoutMs: 10_000 })).issues.map(
    (i) => `${path.relative(dags, i.file)}:${i.line}:${i.column} ${i.code} ${i.message}`,
  );

test('a project that has not installed sluice is told to install it, at the import', async () => {
  // No node_modules/sluice: a project outside the repository before `npm install <checkout>`.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-test-'));
  // Run from the project, as a user does: from this repository tsx maps 'sluice' by tsconfig's paths.
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    mkdirSync(path.join(dir, 'dags'));
    writeFileSync(
      path.join(dir, 'dags', 'shop.ts'),
      `import { defineDag, task } from 'sluice';\nimport { seeds } from 'sluice/operators';\n\nexport default defineDag({ id: 'shop', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => 1), seeds({ id: 's' })] });\n`,
    );
    expect(await issuesOf(path.join(dir, 'dags'))).toEqual([
      "shop.ts:1:33 IMPORT_THREW cannot find the package 'sluice' that this file imports: install it in the project (npm install <path to the sluice checkout>, see docs/new-project.md)",
    ]);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('another package or a file of the project is named, the importing helper too, without the require stack', async () => {
  const p = tempProject();
  try {
    p.write(
      'pkg.ts',
      `import { defineDag, task } from 'sluice';\nimport { pad } from 'left-pad-not-installed/pad';\n\nexport default defineDag({ id: 'pkg', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => pad)] });\n`,
    );
    p.write(
      'helper.ts',
      `import { defineDag, task } from 'sluice';\nimport { when } from './lib/dates';\n\nexport default defineDag({ id: 'helper', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => when)] });\n`,
    );
    p.write('lib/dates.ts', `import { format } from '@dates/not-installed';\nexport const when = format;\n`);
    p.write(
      'relative.ts',
      `import { defineDag, task } from 'sluice';\n\nimport { x } from './lib/missing';\nexport default defineDag({ id: 'relative', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => x)] });\n`,
    );
    const issues = await issuesOf(p.dags);
    expect(issues.sort()).toEqual([
      "helper.ts:2:22 IMPORT_THREW cannot find the package '@dates/not-installed' that lib/dates.ts imports: install it in the project (npm install @dates/not-installed)",
      // lib/ is walked as DAG files too (it holds none, but the import fails there first).
      "lib/dates.ts:1:24 IMPORT_THREW cannot find the package '@dates/not-installed' that this file imports: install it in the project (npm install @dates/not-installed)",
      "pkg.ts:2:21 IMPORT_THREW cannot find the package 'left-pad-not-installed' that this file imports: install it in the project (npm install left-pad-not-installed)",
      "relative.ts:3:19 IMPORT_THREW cannot find the module './lib/missing' that this file imports",
    ]);
  } finally {
    p.cleanup();
  }
});
