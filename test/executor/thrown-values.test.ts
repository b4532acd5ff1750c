import path from 'node:path';
import { dagFile, tempProject } from '../support/sandbox';
import { cliDatabases, type CliDatabase } from '../support/both-databases';

/*
 * `throw undefined` and `throw { status: 503 }` were stored as "undefined" and "[object Object]".
 * What was thrown is now shown as thrown, in a task's error and in a DAG file's import error.
 */
const p = tempProject();
p.write(
  'throwing.ts',
  dagFile(`
export default defineDag({
  id: 'throwing', schedule: null, startDate: '2026-01-01',
  tasks: [
    task('nothing', () => { throw undefined; }),
    task('object', () => { throw { status: 503, body: { retryAfter: 30 } }; }),
    task('text', () => { throw 'the API said no'; }),
    task('caused', () => { throw Object.assign(new Error('fetching orders failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }), { status: 502 }); }),
  ],
});`),
);
p.write('import-throws.ts', `const status = 503;\n\nthrow { status, reason: 'config service down' };\n`);
p.write(
  'fine.ts',
  dagFile(
    `export default defineDag({ id: 'fine', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => 1)] });`,
  ),
);

let dbs: CliDatabase[];
beforeAll(async () => {
  dbs = await cliDatabases('thrown', p);
}, 60_000);
afterAll(async () => {
  for (const d of dbs ?? []) await d.close();
  p.cleanup();
});

const NOTE = '(not an Error, so there is no stack trace; throw new Error(...) to get one)';

test("a task's error shows what it threw: undefined, an object, a string, an Error with its fields and cause", async () => {
  for (const d of dbs) {
    const r = await d.sluice(['dags', 'test', 'throwing', '--json']);
    expect({ db: d.name, code: r.code }).toEqual({ db: d.name, code: 1 });
    const rows = await d.query<{ task_id: string; error: string }>(
      `SELECT ti.task_id, tt.error FROM sluice.task_try tt JOIN sluice.task_instance ti ON ti.id = tt.ti_id ORDER BY ti.task_id`,
    );
    const error = Object.fromEntries(rows.map((x) => [x.task_id, x.error]));
    expect(error.nothing).toBe(`undefined was thrown ${NOTE}`);
    expect(error.object).toBe(`an object was thrown ${NOTE}: {"status":503,"body":{"retryAfter":30}}`);
    expect(error.text).toBe(
      'the API said no (a string was thrown, not an Error, so there is no stack trace; throw new Error(...) to get one)',
    );
    expect(error.caused).toMatch(/^Error: fetching orders failed\n\s+at .*throwing\.ts:9:/);
    expect(error.caused).toMatch(
      /\n {2}fields: \{"status":502\}\ncaused by: Error: connect ECONNREFUSED 127\.0\.0\.1:1\n\s+at /,
    );
    const t = await d.sluice(['tasks', 'test', 'throwing', 'object']);
    expect(t.stdout).toContain(`an object was thrown ${NOTE}: {"status":503,"body":{"retryAfter":30}}`);
  }
}, 240_000);

test('a DAG file that throws a plain object at import gets an import error showing it (no line: a plain object carries no stack); other DAGs load', async () => {
  for (const d of dbs) {
    const l = JSON.parse((await d.sluice(['dags', 'list', '--json'])).stdout) as {
      dags: Array<{ dagId: string }>;
      importErrors: Array<{ file: string; line: number | null; message: string }>;
    };
    expect(
      l.importErrors
        .filter((e) => e.file === path.join(p.dags, 'import-throws.ts'))
        .map(({ line, message }) => ({ line, message })),
    ).toEqual([{ line: null, message: `an object was thrown ${NOTE}: {"status":503,"reason":"config service down"}` }]);
    expect(l.dags.map((x) => x.dagId)).toEqual(['fine', 'throwing']);
  }
}, 120_000);
