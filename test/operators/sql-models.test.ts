import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runToCompletion } from '../../src/actions/run-to-completion';
import { triggerDag } from '../../src/actions/trigger-dag';
import { syncDagFiles, type Runtime } from '../../src/actions/runtime';
import { readLog } from '../../src/state/task-instances';
import { tempProject, testRuntime } from '../support/sandbox';
import { runSluice } from '../support/processes';

const p = tempProject();
const put = (rel: string, text: string) => {
  const file = path.join(p.dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};

put('sql/sources.yml', 'shop:\n  tables: [things]\n');
put('sql/staging/stg_things.sql', 'select id, name from {{source "shop" "things"}}\n');
put(
  'sql/marts/good.sql',
  '/* config\nmaterialized: table\n*/\nselect id, upper(name) as name\n  from {{ref "stg_things"}}\n',
);
put('sql/marts/bad.sql', '/* config\nmaterialized: table\n*/\nselect id,\n       nmae\n  from {{ref "stg_things"}}\n');
put('sql/marts/after_bad.sql', 'select * from {{ref "bad"}}\n');
p.write(
  'models.ts',
  `
import { defineDag, task } from 'sluice';
import { sqlModels } from 'sluice/operators';

export default defineDag({
  id: 'models', schedule: null, startDate: '2026-01-01',
  tasks: [
    task({ id: 'load_things', produces: ['raw.shop_things'], run: async (ctx) => {
      await ctx.warehouse.query('CREATE SCHEMA IF NOT EXISTS raw');
      await ctx.warehouse.query("CREATE TABLE IF NOT EXISTS raw.shop_things AS SELECT g AS id, 'thing ' || g AS name FROM generate_series(1, 3) g");
    } }),
    ...sqlModels({ projectDir: ${JSON.stringify(p.dir)} }),
  ],
});
`,
);

let rt: Runtime & { url: string };
beforeAll(async () => {
  rt = await testRuntime('sql_models', p);
  await syncDagFiles(rt);
});
afterAll(async () => {
  await rt.close();
  p.cleanup();
});

async function run() {
  const t = await triggerDag(rt, 'models', { date: new Date('2026-03-01T00:00:00Z') });
  await runToCompletion(rt, [t.id]);
  const tis = await rt.db.query<{ task_id: string; state: string; id: number; upstream: string[] }>(
    `SELECT id, task_id, state, upstream FROM sluice.task_instance WHERE run_id = $1`,
    [t.id],
  );
  return Object.fromEntries(tis.rows.map((x) => [x.task_id, x]));
}

test('one task per model, joined to the load of its source; a failing model stops its downstream and names its file and line', async () => {
  const tasks = await run();
  expect(Object.fromEntries(Object.entries(tasks).map(([k, v]) => [k, v.state]))).toEqual({
    load_things: 'success',
    stg_things: 'success',
    good: 'success',
    bad: 'failed',
    after_bad: 'upstream_failed',
  });
  expect(tasks.stg_things.upstream).toEqual(['load_things']);
  expect(tasks.good.upstream).toEqual(['stg_things']);
  const err = await rt.db.query(`SELECT error FROM sluice.task_try WHERE ti_id = $1 ORDER BY try_number DESC LIMIT 1`, [
    tasks.bad.id,
  ]);
  expect(err.rows[0].error).toMatch(/sql\/marts\/bad\.sql:5: column "nmae" does not exist/);
  expect((await rt.db.query(`SELECT name FROM marts.good ORDER BY id`)).rows.map((r) => r.name)).toEqual([
    'THING 1',
    'THING 2',
    'THING 3',
  ]);
  expect(await readLog(rt.db, tasks.good.id)).toMatch(/good: table, 3 rows/);
});

test('an edited model is picked up by the next run without a restart', async () => {
  put(
    'sql/marts/good.sql',
    '/* config\nmaterialized: table\n*/\nselect id, lower(name) as name, id * 10 as score\n  from {{ref "stg_things"}}\n',
  );
  put(
    'sql/marts/bad.sql',
    '/* config\nmaterialized: table\n*/\nselect id,\n       name\n  from {{ref "stg_things"}}\n',
  );
  const tasks = await run();
  expect(tasks.after_bad.state).toBe('success');
  expect((await rt.db.query(`SELECT name, score FROM marts.good ORDER BY id`)).rows).toEqual([
    { name: 'thing 1', score: 10 },
    { name: 'thing 2', score: 20 },
    { name: 'thing 3', score: 30 },
  ]);
});

test('a new model file becomes a new task at the next sync of the DAG folder, without touching the DAG file', async () => {
  const tasksOf = async () =>
    (
      await rt.db.query<{ structure: { tasks: Array<{ id: string; upstream: string[] }> } }>(
        `SELECT v.structure FROM sluice.dag d JOIN sluice.dag_version v ON v.id = d.latest_version_id WHERE d.dag_id = 'models'`,
      )
    ).rows[0].structure.tasks;
  expect((await tasksOf()).map((t) => t.id)).not.toContain('extra');
  put('sql/marts/extra.sql', 'select count(*) as n from {{ref "good"}}\n');
  await syncDagFiles(rt);
  expect((await tasksOf()).find((t) => t.id === 'extra')).toMatchObject({ upstream: ['good'] });
  const tasks = await run();
  expect(tasks.extra.state).toBe('success');
  expect((await rt.db.query(`SELECT n FROM marts.extra`)).rows).toEqual([{ n: 3 }]);
});

test('the models CLI: compile reports every problem with its position; run, list and lineage', async () => {
  const sluice = (...args: string[]) =>
    runSluice(args, {
      cwd: p.dir,
      env: { DATABASE_URL: rt.url, SLUICE_DAGS_FOLDER: p.dags, SLUICE_HOME: path.join(p.dir, '.sluice') },
    });
  const list = await sluice('models', 'list', '--select', '+good', '--json');
  expect(JSON.parse(list.stdout).map((m: { name: string }) => m.name)).toEqual(['stg_things', 'good']);
  const ok = await sluice('models', 'run', '--select', 'good+');
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/success good \(table, 3 rows\)/);
  expect(ok.stdout).toMatch(/2 built, 0 failed, 0 skipped/); // good and the extra view on it
  const lineage = JSON.parse((await sluice('models', 'lineage', '--json')).stdout);
  expect(lineage.sources).toEqual([
    {
      name: 'shop.things',
      table: 'raw.shop_things',
      producedBy: [{ dag: 'models', task: 'load_things' }],
      usedBy: ['stg_things'],
    },
  ]);
  expect(lineage.models.find((m: { name: string }) => m.name === 'stg_things')).toMatchObject({
    builtBy: [{ dag: 'models', task: 'stg_things' }],
    usedByModels: ['bad', 'good'],
    usedByTasks: [
      { dag: 'models', task: 'bad' },
      { dag: 'models', task: 'good' },
    ],
  });

  put('sql/marts/broken.sql', 'select * from {{ref "stg_thing"}}\n{{#if x}}\n');
  const bad = await sluice('models', 'compile');
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/sql\/marts\/broken\.sql:\d+:\d+: .*/);
  const compiled = await sluice('models', 'compile', '--exclude', 'broken');
  expect(compiled.code).toBe(1); // the project still does not load: every file is parsed
  put('sql/marts/broken.sql', 'select * from {{ref "stg_thing"}}\n');
  const hint = await sluice('models', 'compile');
  expect(hint.stderr).toMatch(
    /sql\/marts\/broken\.sql:1:15: ref to unknown model or seed "stg_thing" \(did you mean "stg_things"\?\)/,
  );
});
