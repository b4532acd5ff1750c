/**
 * sqlModels reads sluice_project.yml: its vars are the defaults, the operator's `vars` override them
 * key by key, and a run's conf vars override both.
 */
import type { JsonObject, TaskContext } from '../../src/dag/types';
import { directWarehouse } from '../../src/executor/child-warehouse';
import { sqlModels } from '../../operators/sql-models';
import { createTestDatabase } from '../support/pg';
import { writeProject } from '../models/fixture';

let db: { url: string; drop(): Promise<void> };
let wh: ReturnType<typeof directWarehouse>;
beforeAll(async () => {
  db = await createTestDatabase('sqlm_vars');
  wh = directWarehouse(db.url);
});
afterAll(async () => {
  await wh?.close();
  await db?.drop();
});

test('project vars < the DAG’s vars < the run’s conf vars, key by key; folder defaults apply', async () => {
  const root = writeProject({
    'sluice_project.yml':
      'vars:\n  methods: [card, coupon]\n  label: project\n  n: 1\nmodels:\n  marts:\n    materialized: table\n',
    'sql/marts/picked.sql':
      'select {{var "label"}} as label, {{var "n"}} as n{{#each vars.methods as |m|}}, {{m}} as {{ident (concat m "_x")}}{{/each}}\n',
  });
  const [task] = sqlModels({ projectDir: root, vars: { label: 'dag' } });
  const recorded: JsonObject[] = [];
  const ctx = (params: Record<string, unknown>) =>
    ({
      recordDetails: (d: JsonObject) => recorded.push(d),
      ds: '2026-03-01',
      dataIntervalStart: new Date('2026-03-01T00:00:00Z'),
      dataIntervalEnd: new Date('2026-03-02T00:00:00Z'),
      params,
      warehouse: wh,
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    }) as unknown as TaskContext;
  const rows = async () => (await wh.query('SELECT * FROM marts.picked')).rows;
  expect(task.config).toMatchObject({ materialized: 'table' });
  await task.run(ctx({}));
  expect(await rows()).toEqual([{ label: 'dag', n: 1, card_x: 'card', coupon_x: 'coupon' }]);
  await task.run(ctx({ vars: { n: 2, methods: ['cash'] } }));
  expect(await rows()).toEqual([{ label: 'dag', n: 2, cash_x: 'cash' }]);
  // Each run records the SELECT it compiled to, vars resolved, for the task instance page.
  expect(recorded).toEqual([
    {
      model: 'picked',
      relation: '"marts"."picked"',
      compiled_sql: `select E'dag' as label, (1) as n, E'card' as "card_x", E'coupon' as "coupon_x"`,
    },
    {
      model: 'picked',
      relation: '"marts"."picked"',
      compiled_sql: `select E'dag' as label, (2) as n, E'cash' as "cash_x"`,
    },
  ]);
}, 60_000);
