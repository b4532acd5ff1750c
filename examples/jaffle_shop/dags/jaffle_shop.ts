// Port of dbt's jaffle_shop: `dbt seed && dbt run && dbt test`, as one DAG.
import { defineDag } from 'sluice';
import { checkpoint, seeds, sqlModels } from 'sluice/operators';

export default defineDag({
  id: 'jaffle_shop',
  schedule: '@daily',
  startDate: '2026-01-01',
  catchup: false,
  owner: 'analytics',
  tags: ['jaffle_shop'],
  tasks: [
    seeds({ id: 'seed' }),
    ...sqlModels({ select: 'path:sql/staging' }),
    checkpoint({ id: 'check_staging', suites: ['stg_customers', 'stg_orders', 'stg_payments'] }),
    ...sqlModels({ select: 'path:sql/marts', upstream: ['check_staging'] }),
    checkpoint({ id: 'check_marts', suites: ['customers', 'orders'] }),
  ],
});
