import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempProject } from '../support/sandbox';
import { cliDatabases, type CliDatabase } from '../support/both-databases';

/*
 * `sluice dags test` printed "check_raw failed" and nothing else; the error, the log and the failing
 * expectation were only in the platform schema. Now every failed task is explained where it failed
 * (dags test, tasks test, runs show), its log is one command away (tasks logs), and a re-run that
 * kept an earlier landing says so.
 */
const p = tempProject();
p.write(
  'failing.ts',
  `import { defineDag, task } from 'sluice';

export default defineDag({
  id: 'failing', schedule: null, startDate: '2026-01-01',
  tasks: [
    task('boom', (ctx) => {
      for (let i = 1; i <= 25; i++) ctx.log.info('step %d', i);
      throw new Error('kaboom');
    }),
    task({ id: 'stuck', executionTimeout: '1s', run: () => new Promise(() => undefined) }),
  ],
});
`,
);
p.write(
  'gate.ts',
  `import { defineDag, task } from 'sluice';
import { checkpoint } from 'sluice/operators';

export default defineDag({
  id: 'gate', schedule: null, startDate: '2026-01-01',
  tasks: [
    task({ id: 'seed', produces: ['app.people'], run: async (ctx) => {
      await ctx.warehouse.query('CREATE SCHEMA IF NOT EXISTS app');
      await ctx.warehouse.query('DROP TABLE IF EXISTS app.people');
      await ctx.warehouse.query('CREATE TABLE app.people (id int PRIMARY KEY, email text, age int)');
      await ctx.warehouse.query("INSERT INTO app.people VALUES (1, 'a@x', 30), (2, NULL, 40), (3, 'c@x', 200)");
    } }),
    checkpoint({ id: 'check_people', suites: ['people'] }),
  ],
});
`,
);
p.write(
  'flaky.ts',
  `import { defineDag, task } from 'sluice';

export default defineDag({
  id: 'flaky', schedule: null, startDate: '2026-01-01',
  tasks: [
    task({ id: 'twice', retries: 1, retryDelay: '0s', run: (ctx) => {
      ctx.log.info('this is try %d', ctx.tryNumber);
      if (ctx.tryNumber === 1) throw new Error('first try fails');
      return 'ok';
    } }),
  ],
});
`,
);
p.write(
  'lake.ts',
  `import { defineDag } from 'sluice';
import { filesToLake, loadToRaw } from 'sluice/operators';

export default defineDag({
  id: 'lake', schedule: '@daily', startDate: '2026-01-01',
  tasks: [
    filesToLake({ id: 'land_people', path: 'people-{{ds}}.csv', cwd: ${JSON.stringify(path.join(p.dir, 'incoming'))},
      source: 'crm', dataset: 'people', columns: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'text' }] }),
    loadToRaw({ id: 'load_people', upstream: ['land_people'], source: 'crm', dataset: 'people' }),
  ],
});
`,
);
mkdirSync(path.join(p.dir, 'expectations'));
writeFileSync(
  path.join(p.dir, 'expectations', 'people.json'),
  JSON.stringify({
    name: 'people',
    table: 'app.people',
    expectations: [
      { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email' } },
      { type: 'expect_column_values_to_be_between', kwargs: { column: 'age', min_value: 0, max_value: 120 } },
      { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } },
    ],
  }),
);
mkdirSync(path.join(p.dir, 'incoming'));
// Each database lands its own day: the two share the project's lake folder.
const DAYS = { postgres: '2026-01-01', embedded: '2026-01-02' } as const;
for (const ds of Object.values(DAYS))
  writeFileSync(path.join(p.dir, 'incoming', `people-${ds}.csv`), 'id,name\n1,Ada\n2,Grace\n');

let dbs: CliDatabase[];
beforeAll(async () => {
  dbs = await cliDatabases('failures', p);
}, 60_000);
afterAll(async () => {
  for (const d of dbs ?? []) await d.close();
  p.cleanup();
});

test('dags test prints a failed task with its error, file:line and last 20 log lines, and a timeout with its limit', async () => {
  for (const d of dbs) {
    const r = await d.sluice(['dags', 'test', 'failing']);
    expect({ db: d.name, code: r.code }).toEqual({ db: d.name, code: 1 });
    expect(r.stdout).toMatch(/^boom failed on try 1: Error: kaboom\n {2}at dags\/failing\.ts:8:13\n/m);
    expect(r.stdout).toContain('  last 20 log line(s) of try 1:\n');
    expect(r.stdout).toMatch(/\| \S+ INFO {2}step 6\n/);
    expect(r.stdout).toMatch(/\| \S+ INFO {2}step 25\n/);
    expect(r.stdout).not.toMatch(/step 5\n/);
    expect(r.stdout).not.toContain('worker-child.ts'); // Sluice's own frames are left out
    expect(r.stdout).toMatch(
      /^stuck timed out after 1s \(its execution timeout\) on try 1: task exceeded its execution timeout of 1s and was killed$/m,
    );
    const j = JSON.parse((await d.sluice(['runs', 'list', '--dag', 'failing', '--json'])).stdout);
    expect(j).toHaveLength(1);
    const show = JSON.parse((await d.sluice(['runs', 'show', 'failing', j[0].runId, '--json'])).stdout);
    expect(show.failures.map((f: { taskId: string }) => f.taskId).sort()).toEqual(['boom', 'stuck']);
    const boom = show.failures.find((f: { taskId: string }) => f.taskId === 'boom');
    expect(boom.location).toEqual({ file: path.join(p.dags, 'failing.ts'), line: 8, column: 13 });
    expect(boom.logTail).toHaveLength(20);
    expect(show.failures.find((f: { taskId: string }) => f.taskId === 'stuck').timedOutAfterSeconds).toBe(1);
  }
}, 240_000);

test('a failed checkpoint prints each failing expectation with column, observed value, samples and the Data Docs page', async () => {
  for (const d of dbs) {
    const r = await d.sluice(['dags', 'test', 'gate']);
    expect({ db: d.name, code: r.code }).toEqual({ db: d.name, code: 1 });
    expect(r.stdout).toMatch(
      /^check_people failed on try 1: quality gate people failed on app\.people: 2 expectation\(s\) failed$/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}failed: people\[0\] expect_column_values_to_not_be_null on column email of app\.people: 1 of 3 rows .*\n {4}observed: [\d.]+ %; 1 unexpected of 3; samples: null$/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}failed: people\[1\] expect_column_values_to_be_between on column age of app\.people: .*\n {4}observed: [\d.]+ %; 1 unexpected of 3; samples: 200\n {4}Data Docs: \.sluice\/data-docs\/validations\/people\/\d+\.html$/m,
    );
    expect(r.stdout).not.toMatch(/failed: people\[2\]/); // it passed
    const page = /Data Docs: (\S+)/.exec(r.stdout)![1];
    const rows = await d.query<{ docs_path: string }>(
      `SELECT docs_path FROM sluice.validation ORDER BY id DESC LIMIT 1`,
    );
    expect(page).toBe(path.join('.sluice/data-docs', rows[0].docs_path));

    // tasks test runs outside any run: the same expectations, from the validation it just stored.
    const t = await d.sluice(['tasks', 'test', 'gate', 'check_people']);
    expect(t.code).toBe(1);
    expect(t.stdout).toMatch(/^ {4}observed: [\d.]+ %; 1 unexpected of 3; samples: 200$/m);
    expect(t.stdout).toMatch(
      /Data Docs: \.sluice\/data-docs\/validations\/people\/\d+\.html\ngate\.check_people failed after/,
    );
  }
}, 240_000);

test('tasks logs prints the log of the latest or the given try and run, and names what is missing', async () => {
  for (const d of dbs) {
    const r = await d.sluice(['dags', 'test', 'flaky']);
    expect({ db: d.name, code: r.code }).toEqual({ db: d.name, code: 0 });
    const latest = await d.sluice(['tasks', 'logs', 'flaky', 'twice']);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toMatch(/INFO {2}this is try 2\n$/);
    expect(latest.stdout).not.toContain('try 1');
    expect(latest.stderr).toMatch(/flaky\.twice, run test__\S+, try 2 of 2 \(success\)/);
    const first = await d.sluice(['tasks', 'logs', 'flaky', 'twice', '--try', '1']);
    expect(first.stdout).toMatch(/^\S+ INFO {2}this is try 1\n$/);
    const [run] = JSON.parse((await d.sluice(['runs', 'list', '--dag', 'flaky', '--json'])).stdout);
    expect((await d.sluice(['tasks', 'logs', 'flaky', 'twice', '--run', run.runId, '--try', '1'])).stdout).toContain(
      'this is try 1',
    );
    const errors: string[] = [];
    // One after another: the embedded database serves one process at a time.
    for (const a of [
      ['tasks', 'logs', 'flaky', 'twise'],
      ['tasks', 'logs', 'flaky', 'twice', '--run', `${run.runId}x`],
      ['tasks', 'logs', 'flaky', 'twice', '--try', '3'],
      ['tasks', 'logs', 'flaky', 'twice', '--try', 'two'],
      ['tasks', 'logs', 'flakey', 'twice'],
    ])
      errors.push((await d.sluice(a)).stderr.trim());
    expect(errors).toEqual([
      'error: DAG "flaky" has no task "twise" (did you mean "twice"?)',
      `error: DAG "flaky" has no run "${run.runId}x" (did you mean "${run.runId}"?); see \`sluice runs list --dag flaky\``,
      `error: task "twice" of run ${run.runId} of DAG "flaky" has no try 3: it has had 2 (--try 1..2)`,
      'error: --try must be a whole number >= 1, got "two"',
      'error: no DAG "flakey" (did you mean "flaky"?); see `sluice dags list`',
    ]);
  }
}, 240_000);

test('runs list filters by DAG and state, newest first; runs show gives dates, interval, conf and each task', async () => {
  for (const d of dbs) {
    const all = JSON.parse((await d.sluice(['runs', 'list', '--json'])).stdout) as Array<{ dagId: string }>;
    expect(all.length).toBeGreaterThan(0);
    const failed = JSON.parse((await d.sluice(['runs', 'list', '--state', 'failed', '--json'])).stdout) as Array<{
      state: string;
    }>;
    expect(failed.every((x) => x.state === 'failed')).toBe(true);
    expect(JSON.parse((await d.sluice(['runs', 'list', '--limit', '1', '--json'])).stdout)).toHaveLength(1);
    const text = await d.sluice(['runs', 'list', '--dag', 'flaky']);
    expect(text.stdout).toMatch(
      /^dag_id\s+run_id\s+type\s+state\s+logical date\s+started\s+duration\nflaky\s+test__\S+\s+manual\s+success\s/,
    );
    const [run] = JSON.parse((await d.sluice(['runs', 'list', '--dag', 'flaky', '--json'])).stdout);
    const show = await d.sluice(['runs', 'show', 'flaky', run.runId]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(
      new RegExp(
        `^run ${run.runId} of flaky \\(manual\\): success\n {2}logical date {3}\\S+\n {2}data interval {2}\\S+ – \\S+\n`,
      ),
    );
    expect(show.stdout).toMatch(/^ {2}conf {11}\{\}$/m);
    expect(show.stdout).toMatch(/^twice\s+task\s+success\s+2\/2\s/m);
    const bad = await d.sluice(['runs', 'list', '--state', 'fialed']);
    expect(bad.stderr.trim()).toBe(
      'error: --state must be one of queued, running, success, failed, got "fialed" (did you mean "failed"?)',
    );
  }
}, 240_000);

test('a re-run that kept an earlier landing says so for that task and names the reland option', async () => {
  for (const d of dbs) {
    const ds = DAYS[d.name];
    const first = await d.sluice(['dags', 'test', 'lake', '--date', ds]);
    expect({ db: d.name, code: first.code }).toEqual({ db: d.name, code: 0 });
    expect(first.stdout).not.toContain('kept');
    const again = await d.sluice(['dags', 'test', 'lake', '--date', ds]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `land_people kept raw/crm/people/dt=${ds}/part-0000.csv (2 rows), landed by an earlier run; to extract it again, run with --conf '{"reland": true}'`,
    );
    const t = await d.sluice(['tasks', 'test', 'lake', 'land_people', '--date', ds]);
    expect(t.stdout).toMatch(/\nland_people kept raw\/crm\/people\/.*--conf '\{"reland": true\}'\n$/);
    const reland = await d.sluice(['dags', 'test', 'lake', '--date', ds, '--conf', '{"reland": true}']);
    expect(reland.code).toBe(0);
    expect(reland.stdout).not.toContain('kept');
  }
}, 240_000);

test('a DAG whose file no longer imports is not tested, backfilled or task-tested in its last good version', async () => {
  const file = path.join(p.dags, 'edited.ts');
  const good = `import { defineDag, task } from 'sluice';\nexport default defineDag({ id: 'edited', schedule: '@daily', startDate: '2026-01-01', tasks: [task('t', () => 1)] });\n`;
  for (const d of dbs) {
    writeFileSync(file, good);
    expect((await d.sluice(['dags', 'test', 'edited'])).code).toBe(0);
    writeFileSync(file, good.replace("id: 'edited',", "id: 'edited',,"));
    for (const args of [
      ['dags', 'test', 'edited'],
      ['tasks', 'test', 'edited', 't'],
      ['backfill', 'edited', '--start', '2026-01-01', '--end', '2026-01-02'],
    ]) {
      const r = await d.sluice(args);
      expect({ db: d.name, args, code: r.code }).toEqual({ db: d.name, args, code: 1 });
      expect(r.stderr).toMatch(
        /error: the DAG file of "edited" does not import, so it would run its last good version; fix it first:\n {2}\S*edited\.ts:2:\d+: /,
      );
    }
    // Nothing ran: the one run is the good one.
    expect(JSON.parse((await d.sluice(['runs', 'list', '--dag', 'edited', '--json'])).stdout)).toHaveLength(1);
  }
}, 240_000);
