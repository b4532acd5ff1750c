/**
 * The demo pipeline of a small web shop, one day per run:
 *   seed_sources → land_customers (CSV files) ─→ load_customers ─┐
 *                → land_orders (Postgres, incremental) → load_orders ─┼→ daily_revenue → report
 *   land_payments (paginated HTTP API) ──────→ load_payments ─┘
 * Each source lands in the lake (`raw` bucket, `<source>/<dataset>/dt=YYYY-MM-DD/`), then loads into
 * the warehouse's `raw` schema. Re-running a day leaves the lake and the warehouse as they were.
 * Later steps (SQL models, quality gates, dashboards) grow from here.
 */
import path from 'node:path';
import { defineDag, task } from 'sluice';
import { filesToLake, httpToLake, loadToRaw, postgresToLake } from 'sluice/operators';
import { CUSTOMER_COLUMNS, ORDER_COLUMNS, PAYMENT_COLUMNS } from './lib/shop/columns';
import { paymentsApi } from './lib/shop/payments-api';
import { seedOrders, writeCustomersFile } from './lib/shop/seed';

// Where the shop "drops" its customer exports (in a real deployment: an SFTP folder, a mount).
const INCOMING = path.resolve(process.env.SLUICE_HOME ?? '.sluice', 'demo', 'incoming');
const scaleOf = (params: Readonly<Record<string, unknown>>) => Number(params.scale ?? 1);

export default defineDag({
  id: 'demo_shop',
  description: 'Shop sources (files, Postgres, HTTP API) → lake → raw → daily revenue',
  schedule: '@daily',
  startDate: '2026-01-01',
  timezone: 'UTC',
  catchup: false,
  owner: 'data-eng',
  tags: ['demo'],
  maxActiveRuns: 1,
  params: { scale: 1 },
  defaults: { retries: 2, retryDelay: '2s', retryExponentialBackoff: true, executionTimeout: '10m' },
  tasks: [
    task('seed_sources', async (ctx) => {
      const scale = scaleOf(ctx.params);
      const file = writeCustomersFile(INCOMING, ctx.ds, scale);
      const orders = await seedOrders(ctx.warehouse, ctx.ds, scale);
      ctx.log.info('seeded %s and %d order rows in shop_app.orders (scale %s)', file, orders, scale);
      return { scale, orders };
    }),

    filesToLake({
      id: 'land_customers', upstream: ['seed_sources'],
      path: 'customers/customers-{{ds}}.csv.gz', cwd: INCOMING,
      source: 'shop', dataset: 'customers', columns: CUSTOMER_COLUMNS,
    }),
    postgresToLake({
      id: 'land_orders', upstream: ['seed_sources'],
      // The shop's application tables live in a schema of the same database here; point `connection`
      // at another database with a connection string (or { env: 'SHOP_DATABASE_URL' }).
      connection: 'warehouse', table: 'shop_app.orders', watermarkColumn: 'updated_at',
      source: 'shop', dataset: 'orders', columns: ORDER_COLUMNS,
    }),
    httpToLake({
      id: 'land_payments',
      url: async (ctx) => (await paymentsApi({ token: 'demo-token', scale: scaleOf(ctx.params) })).url,
      params: { date: '{{ds}}', limit: 50, scale: (ctx) => scaleOf(ctx.params) },
      pagination: { mode: 'cursor', cursorParam: 'cursor', cursorPath: 'next_cursor' },
      recordPath: 'data',
      // Real DAGs name an environment variable: value: { env: 'PAYMENTS_API_TOKEN' }.
      auth: { header: 'Authorization', prefix: 'Bearer ', value: 'demo-token' },
      source: 'payments', dataset: 'payments', columns: PAYMENT_COLUMNS,
    }),

    loadToRaw({ id: 'load_customers', upstream: ['land_customers'], source: 'shop', dataset: 'customers' }),
    loadToRaw({ id: 'load_orders', upstream: ['land_orders'], source: 'shop', dataset: 'orders' }),
    loadToRaw({ id: 'load_payments', upstream: ['land_payments'], source: 'payments', dataset: 'payments' }),

    task({
      id: 'daily_revenue',
      upstream: ['load_customers', 'load_orders', 'load_payments'],
      run: async (ctx) => {
        await ctx.warehouse.transaction(async (tx) => {
          await tx.query(`CREATE SCHEMA IF NOT EXISTS marts`);
          await tx.query(`CREATE TABLE IF NOT EXISTS marts.demo_daily_revenue (
            ds date NOT NULL, method text NOT NULL, payments int NOT NULL, revenue numeric(12,2) NOT NULL, PRIMARY KEY (ds, method))`);
          await tx.query(`DELETE FROM marts.demo_daily_revenue WHERE ds = $1`, [ctx.ds]);
          await tx.query(
            `INSERT INTO marts.demo_daily_revenue
             SELECT _ds, method, count(*), sum(amount) FROM raw.payments_payments
              WHERE _ds = $1 AND status = 'captured' GROUP BY _ds, method`,
            [ctx.ds],
          );
        });
        const r = await ctx.warehouse.query<{ revenue: string; payments: number }>(
          `SELECT coalesce(sum(revenue), 0)::text AS revenue, coalesce(sum(payments), 0)::int AS payments FROM marts.demo_daily_revenue WHERE ds = $1`, [ctx.ds]);
        return { ds: ctx.ds, payments: r.rows[0].payments, revenue: r.rows[0].revenue };
      },
    }),

    task({
      id: 'report',
      upstream: ['daily_revenue'],
      triggerRule: 'all_done',
      run: (ctx) => {
        const s = ctx.upstream.daily_revenue as { payments: number; revenue: string } | undefined;
        if (!s) ctx.log.warn('no revenue for %s: an upstream task failed', ctx.ds);
        else ctx.log.info('%s: %d captured payments, revenue %s EUR', ctx.ds, s.payments, s.revenue);
        return s ?? null;
      },
    }),
  ],
});
