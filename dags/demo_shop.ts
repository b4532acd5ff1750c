/**
 * The demo pipeline of a small web shop, one day per run:
 *   seed_sources → land_customers (CSV files) ─→ load_customers ─┐
 *                → land_orders (Postgres, incremental) → load_orders ─┼→ check_raw → staging models
 *   land_payments (paginated HTTP API) ──────→ load_payments ─┘   → check_staging → marts → check_marts → report
 * Each source lands in the lake (`raw` bucket, `<source>/<dataset>/dt=YYYY-MM-DD/`), then loads into
 * the warehouse's `raw` schema. Re-running a day leaves the lake and the warehouse as they were.
 * The models build staging, intermediate and marts (sql/), with expectation suites (expectations/)
 * as gates between the layers: `--conf '{"bad_data": true}'` seeds orders that break the rules, and
 * the raw gate stops the models. Dashboards come next.
 */
import path from 'node:path';
import { defineDag, task } from 'sluice';
import { checkpoint, filesToLake, httpToLake, loadToRaw, postgresToLake, sqlModels } from 'sluice/operators';
import { CUSTOMER_COLUMNS, ORDER_COLUMNS, PAYMENT_COLUMNS } from './lib/shop/columns';
import { paymentsApi } from './lib/shop/payments-api';
import { seedOrders, writeCustomersFile } from './lib/shop/seed';

// Where the shop "drops" its customer exports (in a real deployment: an SFTP folder, a mount).
const INCOMING = path.resolve(process.env.SLUICE_HOME ?? '.sluice', 'demo', 'incoming');
const scaleOf = (params: Readonly<Record<string, unknown>>) => Number(params.scale ?? 1);

export default defineDag({
  id: 'demo_shop',
  description: 'Shop sources (files, Postgres, HTTP API) → lake → raw → staging → marts',
  schedule: '@daily',
  startDate: '2026-01-01',
  timezone: 'UTC',
  catchup: false,
  owner: 'data-eng',
  tags: ['demo'],
  maxActiveRuns: 1,
  params: { scale: 1, bad_data: false },
  // Failures, warnings, deadlines and recoveries go to the team's channel and inbox (SLACK_BOT_TOKEN,
  // SMTP_URL; see docs/alerts.md); the gates' own alerts also reach the analysts. A run not done
  // 15 minutes after it was queued alerts while it is still going.
  alerts: {
    slack: '#data-eng',
    email: 'data-eng@example.com',
    deadlines: [{ name: 'run_15m', reference: 'queued_at', after: '15m' }],
  },
  defaults: { retries: 2, retryDelay: '2s', retryExponentialBackoff: true, executionTimeout: '10m' },
  tasks: [
    task('seed_sources', async (ctx) => {
      const scale = scaleOf(ctx.params);
      const file = writeCustomersFile(INCOMING, ctx.ds, scale);
      const orders = await seedOrders(ctx.warehouse, ctx.ds, scale, ctx.params.bad_data === true);
      ctx.log.info('seeded %s and %d order rows in shop_app.orders (scale %s)', file, orders, scale);
      return { scale, orders };
    }),

    filesToLake({
      id: 'land_customers',
      upstream: ['seed_sources'],
      path: 'customers/customers-{{ds}}.csv.gz',
      cwd: INCOMING,
      source: 'shop',
      dataset: 'customers',
      columns: CUSTOMER_COLUMNS,
    }),
    postgresToLake({
      id: 'land_orders',
      upstream: ['seed_sources'],
      // The shop's application tables live in a schema of the same database here; point `connection`
      // at another database with a connection string (or { env: 'SHOP_DATABASE_URL' }).
      connection: 'warehouse',
      table: 'shop_app.orders',
      watermarkColumn: 'updated_at',
      source: 'shop',
      dataset: 'orders',
      columns: ORDER_COLUMNS,
    }),
    httpToLake({
      id: 'land_payments',
      url: async (ctx) => (await paymentsApi({ token: 'demo-token', scale: scaleOf(ctx.params) })).url,
      params: { date: '{{ds}}', limit: 50, scale: (ctx) => scaleOf(ctx.params) },
      pagination: { mode: 'cursor', cursorParam: 'cursor', cursorPath: 'next_cursor' },
      recordPath: 'data',
      // Real DAGs name an environment variable: value: { env: 'PAYMENTS_API_TOKEN' }.
      auth: { header: 'Authorization', prefix: 'Bearer ', value: 'demo-token' },
      source: 'payments',
      dataset: 'payments',
      columns: PAYMENT_COLUMNS,
    }),

    loadToRaw({ id: 'load_customers', upstream: ['land_customers'], source: 'shop', dataset: 'customers' }),
    loadToRaw({ id: 'load_orders', upstream: ['land_orders'], source: 'shop', dataset: 'orders' }),
    loadToRaw({ id: 'load_payments', upstream: ['land_payments'], source: 'payments', dataset: 'payments' }),

    // Quality gates between the layers: a failing error-severity expectation fails the checkpoint,
    // and everything built on its tables ends upstream_failed instead of being built on bad data.
    checkpoint({
      id: 'check_raw',
      suites: ['raw_orders', 'raw_payments', 'raw_customers'],
      alerts: { slack: '#data-quality' },
    }),

    // One task per SQL model in sql/; each also waits for the loads of the raw tables it reads,
    // through the tables the tasks produce and consume.
    ...sqlModels({ select: 'path:sql/staging', upstream: ['check_raw'] }),
    checkpoint({ id: 'check_staging', suites: ['stg_orders'] }),
    ...sqlModels({ select: 'path:sql/intermediate path:sql/marts', upstream: ['check_staging'] }),
    checkpoint({ id: 'check_marts', suites: ['daily_revenue'] }),

    task({
      id: 'report',
      upstream: ['check_marts', 'customer_lifetime_value', 'order_status_funnel'],
      run: async (ctx) => {
        const r = await ctx.warehouse
          .query<{ payments: number; revenue: string | null }>(
            `SELECT coalesce(sum(payments), 0)::int AS payments, sum(revenue)::text AS revenue FROM marts.daily_revenue_by_method WHERE ds = $1`,
            [ctx.ds],
          )
          .catch(() => undefined);
        const s = r?.rows[0];
        if (!s?.revenue) ctx.log.warn('no revenue for %s (did an upstream task fail?)', ctx.ds);
        else ctx.log.info('%s: %d captured payments, revenue %s EUR', ctx.ds, s.payments, s.revenue);
        return s ? { ds: ctx.ds, payments: s.payments, revenue: s.revenue } : null;
      },
    }),
  ],
});
