import { dagFile, tempProject } from '../support/sandbox';
import { cliDatabases, type CliDatabase } from '../support/both-databases';

/*
 * --conf is taken by four commands. A NUL character or a conf nested hundreds of levels deep got a
 * raw Postgres or parser error; now each is refused before the database is touched, naming the
 * option and the JSON path of the bad value, on both databases.
 */
const p = tempProject();
p.write(
  'echo.ts',
  dagFile(`
export default defineDag({
  id: 'echo', schedule: '@daily', startDate: '2026-01-01', params: { who: 'nobody' },
  tasks: [task('show', (ctx) => ({ who: ctx.params.who }))],
});`),
);
p.write(
  'other.ts',
  dagFile(
    `export default defineDag({ id: 'other', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => 1)] });`,
  ),
);

const ENTRY_POINTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['dags trigger', ['dags', 'trigger', 'echo']],
  ['dags test', ['dags', 'test', 'echo', '--date', '2026-01-05']],
  ['backfill', ['backfill', 'echo', '--start', '2026-01-02', '--end', '2026-01-03', '--no-progress']],
  ['tasks test', ['tasks', 'test', 'echo', 'show', '--date', '2026-01-05']],
];
const NUL = '{"where": {"name": "x\\u0000y"}}';
const DEEP = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;

let dbs: CliDatabase[];
beforeAll(async () => {
  dbs = await cliDatabases('conf', p);
  for (const d of dbs) expect((await d.sluice(['dags', 'list'])).code).toBe(0);
}, 120_000);
afterAll(async () => {
  for (const d of dbs ?? []) await d.close();
  p.cleanup();
});

const runsOf = (d: CliDatabase) =>
  d.query<{ n: number }>(`SELECT count(*)::int AS n FROM sluice.dag_run`).then((r) => r[0].n);

test.each(ENTRY_POINTS)(
  '%s refuses a NUL-bearing or too deep --conf, naming the option and the path, and creates nothing',
  async (_name, args) => {
    for (const d of dbs) {
      const nul = await d.sluice([...args, '--conf', NUL]);
      expect({ db: d.name, code: nul.code }).toEqual({ db: d.name, code: 2 });
      expect(nul.stderr.trim()).toBe(
        'error: --conf: $.where.name contains a NUL character (\\u0000) at position 1, which Postgres cannot store',
      );
      const deep = await d.sluice([...args, '--conf', DEEP]);
      expect(deep.code).toBe(2);
      expect(deep.stderr).toMatch(new RegExp(`^error: --conf: \\$(\\.a){64} is nested more than 64 levels deep\\n$`));
      const lone = await d.sluice([...args, '--conf', '{"k": ["ok", "\\ud800"]}']);
      expect(lone.stderr.trim()).toBe(
        'error: --conf: $.k[1] contains a lone UTF-16 surrogate (\\ud800) at position 0, which is not valid Unicode',
      );
      expect(await runsOf(d)).toBe(0);
    }
  },
  180_000,
);

test('a good --conf reaches the task through backfill and tasks test (the two commands that now take it)', async () => {
  for (const d of dbs) {
    const t = await d.sluice(['tasks', 'test', 'echo', 'show', '--date', '2026-01-05', '--conf', '{"who": "ana"}']);
    expect(t.stdout).toMatch(/returned \{"who":"ana"\}/);
    const b = await d.sluice([
      'backfill',
      'echo',
      '--start',
      '2026-01-02',
      '--end',
      '2026-01-03',
      '--no-progress',
      '--conf',
      '{"who": "bo"}',
    ]);
    expect(b.stdout).toMatch(/backfill of echo: 2 succeeded, 0 failed/);
    const values = await d.query<{ value: unknown; conf: unknown }>(
      `SELECT v.value, r.conf FROM sluice.task_return v JOIN sluice.dag_run r ON r.id = v.run_id WHERE r.dag_id = 'echo' ORDER BY r.logical_date`,
    );
    expect(values).toEqual([
      { value: { who: 'bo' }, conf: { who: 'bo' } },
      { value: { who: 'bo' }, conf: { who: 'bo' } },
    ]);
    // The other DAG is untouched.
    expect(await d.query(`SELECT count(*)::int AS n FROM sluice.dag_run WHERE dag_id = 'other'`)).toEqual([{ n: 0 }]);
  }
}, 240_000);
