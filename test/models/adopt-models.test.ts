import { adoptModels } from '../../src/actions/adopt-models';
import { runSelectedModels } from '../../src/actions/models';
import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';
import { CTX, writeProject } from './fixture';

// Relations an earlier Sluice built carry no ownership mark: models refuse them until adopted, on purpose.
let db: WarehouseDb;
beforeAll(async () => {
  db = await warehouseTestDb('adopt');
});
afterAll(() => db.close());

test('models refuse unmarked relations with a hint, `models adopt` hands them over, and the next run replaces them', async () => {
  const root = writeProject({
    'sql/staging/orders.sql': 'select 1 as id, 10::numeric as amount',
    'sql/marts/totals.sql': "/* config\nmaterialized: table\n*/\nselect sum(amount) as total from {{ref 'orders'}}",
  });
  await db.client.query(`CREATE SCHEMA staging; CREATE SCHEMA marts;
    CREATE VIEW staging.orders AS SELECT 1 AS id, 5::numeric AS amount;
    CREATE TABLE marts.totals AS SELECT 5::numeric AS total;`);
  const first = await runSelectedModels({ root, warehouse: db.wh, ctx: CTX });
  expect(first.map((r) => [r.name, r.status])).toEqual([
    ['orders', 'error'],
    ['totals', 'skipped'],
  ]);
  expect(first[0].error).toMatch(
    /"staging"\."orders" exists and no Sluice model built it \(view, owned by role "postgres"\).*`sluice models adopt --select orders`/,
  );

  const adopted = await adoptModels(root, db.wh);
  expect(adopted.map((a) => [a.relation, a.status])).toEqual([
    ['staging.orders', 'adopted'],
    ['marts.totals', 'adopted'],
  ]);
  expect((await adoptModels(root, db.wh)).map((a) => a.status)).toEqual(['owned', 'owned']);

  const second = await runSelectedModels({ root, warehouse: db.wh, ctx: CTX });
  expect(second.map((r) => [r.name, r.status])).toEqual([
    ['orders', 'success'],
    ['totals', 'success'],
  ]);
  expect((await db.client.query('SELECT total::int FROM marts.totals')).rows).toEqual([{ total: 10 }]);
});

test('nothing to adopt where the relation does not exist yet', async () => {
  const root = writeProject({ 'sql/reports/fresh.sql': 'select 1 as x' });
  expect(await adoptModels(root, db.wh)).toEqual([{ name: 'fresh', relation: 'reports.fresh', status: 'absent' }]);
});
