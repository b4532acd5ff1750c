/**
 * The demo pipeline: a day of shop orders lands in the lake (raw bucket, Hive layout), is loaded
 * into the warehouse's raw schema, and summarised into a mart. Re-running a day replaces that day.
 * Later steps (more sources, SQL models, quality gates, dashboards) grow from here.
 */
import { defineDag, task } from 'sluice';
import { generateOrders, ordersCsv, parseOrdersCsv } from './lib/shop-data';

export default defineDag({
  id: 'demo_shop',
  description: 'Orders: lake → raw → daily mart',
  schedule: '@daily',
  startDate: '2026-01-01',
  timezone: 'UTC',
  catchup: false,
  owner: 'data-eng',
  tags: ['demo'],
  maxActiveRuns: 1, // days replace their own partition; one at a time keeps loads from racing
  params: { ordersPerDay: 200 },
  defaults: { retries: 2, retryDelay: '2s', retryExponentialBackoff: true, executionTimeout: '5m' },
  tasks: [
    task('extract_orders', async (ctx) => {
      const orders = generateOrders(ctx.ds, Number(ctx.params.ordersPerDay));
      const key = `shop/orders/dt=${ctx.ds}/part-0000.csv`;
      await ctx.objectStore.ensureBucket('raw');
      const info = await ctx.objectStore.put('raw', key, ordersCsv(orders), { rows: String(orders.length) });
      ctx.log.info('wrote %d orders to raw/%s (%d bytes)', orders.length, key, info.size);
      return { bucket: 'raw', key, rows: orders.length };
    }),

    task({
      id: 'load_orders',
      upstream: ['extract_orders'],
      run: async (ctx) => {
        const src = ctx.upstream.extract_orders as { bucket: string; key: string };
        const chunks: Buffer[] = [];
        for await (const c of await ctx.objectStore.get(src.bucket, src.key)) chunks.push(c as Buffer);
        const orders = parseOrdersCsv(Buffer.concat(chunks).toString('utf8'));
        await ctx.warehouse.transaction(async (tx) => {
          await tx.query(`CREATE SCHEMA IF NOT EXISTS raw`);
          await tx.query(`CREATE TABLE IF NOT EXISTS raw.demo_orders (
            order_id text PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL,
            payment_method text NOT NULL, amount numeric(10,2) NOT NULL, ordered_at timestamptz NOT NULL, _ds date NOT NULL)`);
          await tx.query(`DELETE FROM raw.demo_orders WHERE _ds = $1`, [ctx.ds]);
          await tx.query(
            `INSERT INTO raw.demo_orders SELECT x.*, $2::date FROM jsonb_to_recordset($1::jsonb)
               AS x(order_id text, customer_id int, status text, payment_method text, amount numeric, ordered_at timestamptz)`,
            [JSON.stringify(orders), ctx.ds],
          );
        });
        ctx.log.info('loaded %d rows into raw.demo_orders for %s', orders.length, ctx.ds);
        return { rows: orders.length };
      },
    }),

    task({
      id: 'daily_summary',
      upstream: ['load_orders'],
      run: async (ctx) => {
        await ctx.warehouse.transaction(async (tx) => {
          await tx.query(`CREATE SCHEMA IF NOT EXISTS marts`);
          await tx.query(`CREATE TABLE IF NOT EXISTS marts.demo_daily_orders (
            ds date NOT NULL, payment_method text NOT NULL, orders int NOT NULL, revenue numeric(12,2) NOT NULL,
            PRIMARY KEY (ds, payment_method))`);
          await tx.query(`DELETE FROM marts.demo_daily_orders WHERE ds = $1`, [ctx.ds]);
          await tx.query(
            `INSERT INTO marts.demo_daily_orders
             SELECT _ds, payment_method, count(*), sum(amount) FROM raw.demo_orders
              WHERE _ds = $1 AND status <> 'cancelled' GROUP BY _ds, payment_method`,
            [ctx.ds],
          );
        });
        const r = await ctx.warehouse.query<{ revenue: string; orders: number }>(
          `SELECT coalesce(sum(revenue), 0)::text AS revenue, coalesce(sum(orders), 0)::int AS orders FROM marts.demo_daily_orders WHERE ds = $1`, [ctx.ds]);
        return { ds: ctx.ds, orders: r.rows[0].orders, revenue: r.rows[0].revenue };
      },
    }),

    task({
      id: 'report',
      upstream: ['daily_summary'],
      triggerRule: 'all_done',
      run: (ctx) => {
        const s = ctx.upstream.daily_summary as { orders: number; revenue: string } | undefined;
        if (!s) ctx.log.warn('no summary for %s: an upstream task failed', ctx.ds);
        else ctx.log.info('%s: %d paid orders, revenue %s', ctx.ds, s.orders, s.revenue);
        return s ?? null;
      },
    }),
  ],
});
