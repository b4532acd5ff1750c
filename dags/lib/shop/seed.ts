import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Queryable } from 'sluice';
import { customersFor, orderUpdatesFor, ordersFor, type Customer } from './generate';

/**
 * Puts a day's source data where the demo's sources read it: the customers export as a gzipped CSV
 * file in the incoming folder (like a nightly SFTP drop), and the orders in the shop's application
 * database (schema `shop_app`). Idempotent: a day seeded twice, or after later days, changes nothing.
 */
export function writeCustomersFile(dir: string, ds: string, scale: number): string {
  const file = path.join(dir, 'customers', `customers-${ds}.csv.gz`);
  mkdirSync(path.dirname(file), { recursive: true });
  const cols: Array<keyof Customer> = ['customer_id', 'email', 'full_name', 'country', 'signed_up_at'];
  const field = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = customersFor(ds, scale).map((c) => cols.map((k) => field(c[k])).join(','));
  writeFileSync(file, gzipSync(`${cols.join(',')}\n${lines.join('\n')}\n`));
  return file;
}

export async function seedOrders(db: Queryable, ds: string, scale: number, badData = false): Promise<number> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS shop_app`);
  await db.query(`CREATE TABLE IF NOT EXISTS shop_app.orders (
    order_id text PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, amount numeric(10,2) NOT NULL,
    currency text NOT NULL, ordered_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`);
  await db.query(`CREATE INDEX IF NOT EXISTS orders_updated_at ON shop_app.orders (updated_at)`);
  const orders = ordersFor(ds, scale, badData);
  // A row only moves forward in time: re-seeding an earlier day never undoes a later update.
  const r = await db.query(
    `INSERT INTO shop_app.orders SELECT * FROM jsonb_to_recordset($1::jsonb)
       AS x(order_id text, customer_id bigint, status text, amount numeric, currency text, ordered_at timestamptz, updated_at timestamptz)
     ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
      WHERE shop_app.orders.updated_at <= EXCLUDED.updated_at`,
    [JSON.stringify(orders)],
  );
  const u = await db.query(
    `UPDATE shop_app.orders o SET status = x.status, updated_at = x.updated_at
       FROM jsonb_to_recordset($1::jsonb) AS x(order_id text, status text, updated_at timestamptz)
      WHERE o.order_id = x.order_id AND o.updated_at <= x.updated_at`,
    [JSON.stringify(orderUpdatesFor(ds, scale))],
  );
  return (r.rowCount ?? 0) + (u.rowCount ?? 0);
}
