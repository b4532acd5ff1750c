import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { dagFile, tempProject } from '../support/sandbox';
import { cliDatabases, type CliDatabase } from '../support/both-databases';

/*
 * Files that imported cleanly but whose DAG would never run: a DAG defined and not exported, an
 * export that looks like a DAG but is not one, a file with no DAG, a cron that never fires, and a
 * DAG folder that does not exist. Each is now an error naming the file and line (or the setting),
 * and the other DAGs, and a broken file's last good version, are left as they were.
 */
const p = tempProject();
const good = dagFile(
  `export default defineDag({ id: 'good', schedule: '@daily', startDate: '2026-01-01', tasks: [task('a', () => 1)] });`,
);
const hiddenExported = dagFile(
  `export default defineDag({ id: 'hidden', schedule: '@daily', startDate: '2026-01-01', tasks: [task('a', () => 1)] });`,
);
const hiddenNot = dagFile(`
const dag = defineDag({ id: 'hidden', schedule: '@daily', startDate: '2026-01-01', tasks: [task('a', () => 2)] });
console.log(dag.id);`);
p.write('good.ts', good);
p.write('hidden.ts', hiddenExported);

let dbs: CliDatabase[];
beforeAll(async () => {
  dbs = await cliDatabases('dag_exports', p);
}, 60_000);
afterAll(async () => {
  for (const d of dbs ?? []) await d.close();
  p.cleanup();
});

interface Listing {
  dags: Array<{ dagId: string }>;
  importErrors: Array<{ file: string; line: number | null; code: string; message: string }>;
}
const errorsOf = (l: Listing, file: string) =>
  l.importErrors
    .filter((e) => e.file === path.join(p.dags, file))
    .map(({ line, code, message }) => ({ line, code, message }));

test('a DAG not exported, an export that is not a DAG, a file with no DAG and a cron that never fires are import errors with file:line', async () => {
  for (const d of dbs) {
    p.write('hidden.ts', hiddenExported);
    expect((await d.sluice(['dags', 'list'])).code).toBe(0);
    const versionBefore = await d.query(`SELECT latest_version_id FROM sluice.dag WHERE dag_id = 'hidden'`);
    p.write('hidden.ts', hiddenNot);
    p.write(
      'spec.ts',
      `import { task } from 'sluice';\n\nexport const orders = { id: 'orders', schedule: '@daily', startDate: '2026-01-01', tasks: [task('a', () => 1)] };\n`,
    );
    p.write(
      'promise.ts',
      dagFile(
        `export default (async () => defineDag({ id: 'later', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => 1)] }))();`,
      ),
    );
    p.write('helper.ts', `export function columns() { return ['id']; }\nexport const BUCKET = 'raw';\n`);
    p.write(
      'never.ts',
      dagFile(`
export default defineDag({
  id: 'never', schedule: '0 0 31 2 *', startDate: '2026-01-01', tasks: [task('a', () => 1)],
});`),
    );
    p.write(
      'ended.ts',
      dagFile(
        `export default defineDag({ id: 'ended', schedule: '0 0 1 * *', startDate: '2026-01-02', endDate: '2026-01-20', tasks: [task('a', () => 1)] });`,
      ),
    );
    const r = await d.sluice(['dags', 'list', '--json']).finally(() => {
      for (const f of ['spec.ts', 'promise.ts', 'helper.ts', 'never.ts', 'ended.ts']) unlinkSync(path.join(p.dags, f));
    });
    expect(r.code).toBe(1);
    const l = JSON.parse(r.stdout) as Listing;
    expect(errorsOf(l, 'hidden.ts')).toEqual([
      {
        line: 3,
        code: 'NOT_EXPORTED',
        message:
          'DAG "hidden" is defined but not exported, so it is never scheduled: export it: `export default defineDag({ ... })` or `export const my_dag = defineDag({ ... })`',
      },
    ]);
    expect(errorsOf(l, 'spec.ts')).toEqual([
      {
        line: 3,
        code: 'NOT_EXPORTED',
        message:
          'export "orders" is an object with id the string "orders" and tasks, not a DAG: pass it to defineDag(...)',
      },
    ]);
    expect(errorsOf(l, 'promise.ts').map((e) => e.message)).toEqual([
      expect.stringMatching(/^DAG "later" is defined but not exported/),
      'export "default" is a Promise: DAG files must build their DAGs when imported, without await (an async factory returns a Promise, not a DAG)',
    ]);
    expect(errorsOf(l, 'helper.ts')).toEqual([
      {
        line: null,
        code: 'NOT_EXPORTED',
        message:
          'the file exports no DAG (its exports: BUCKET: the string "raw"; columns: a function (columns)): ' +
          'export it: `export default defineDag({ ... })` or `export const my_dag = defineDag({ ... })`; a helper module that is not a DAG file belongs in .sluiceignore of the DAG folder',
      },
    ]);
    expect(errorsOf(l, 'never.ts')).toEqual([
      {
        line: 3,
        code: 'DAG_INVALID',
        message:
          'schedule "0 0 31 2 *" never fires: no date at or after startDate 2026-01-01T00:00:00Z matches it (a day that does not exist in that month?)',
      },
    ]);
    expect(errorsOf(l, 'ended.ts')).toEqual([
      {
        line: 2,
        code: 'DAG_INVALID',
        message:
          'schedule "0 0 1 * *" first fires at 2026-02-01T00:00:00Z, after endDate 2026-01-20T00:00:00Z: the DAG would never run',
      },
    ]);
    // The good DAG loads; the file that broke keeps its last good version, as for any import error.
    expect(l.dags.map((x) => x.dagId)).toEqual(['good', 'hidden']);
    expect(await d.query(`SELECT latest_version_id FROM sluice.dag WHERE dag_id = 'hidden'`)).toEqual(versionBefore);
  }
}, 240_000);

test('a DAG folder that does not exist is an error naming it and the setting: dags check, dags list, scheduler start; no DAG is deactivated', async () => {
  const missing = path.join(p.dir, 'dgas');
  for (const d of dbs) {
    p.write('hidden.ts', hiddenExported);
    expect((await d.sluice(['dags', 'list'])).code).toBe(0);
    const list = await d.sluice(['dags', 'list'], { SLUICE_DAGS_FOLDER: missing });
    expect({ db: d.name, code: list.code }).toEqual({ db: d.name, code: 1 });
    expect(list.stderr.trim()).toBe(
      `error: the DAG folder ${missing} does not exist (SLUICE_DAGS_FOLDER; create it, or set SLUICE_DAGS_FOLDER to the folder holding your DAG files)`,
    );
    const sched = await d.sluice(['scheduler'], { SLUICE_DAGS_FOLDER: missing });
    expect(sched.code).toBe(1);
    expect(sched.stderr).toContain(`error: the DAG folder ${missing} does not exist (SLUICE_DAGS_FOLDER;`);
    expect(await d.query(`SELECT dag_id, is_active FROM sluice.dag ORDER BY dag_id`)).toEqual([
      { dag_id: 'good', is_active: true },
      { dag_id: 'hidden', is_active: true },
    ]);
  }
  const check = await dbs[0].sluice(['dags', 'check'], { SLUICE_DAGS_FOLDER: missing });
  expect(check.code).toBe(1);
  expect(check.stderr).toContain(`the DAG folder ${missing} does not exist (SLUICE_DAGS_FOLDER;`);
  const given = await dbs[0].sluice(['dags', 'check', 'nope/dags']);
  expect(given.code).toBe(2);
  expect(given.stderr.trim()).toBe(`error: no such file or folder: ${path.join(p.dir, 'nope/dags')}`);
}, 240_000);
