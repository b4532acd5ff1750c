import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliDatabases, type CliDatabase } from '../support/both-databases';
import { REPO } from '../support/sandbox';

/*
 * dbt's jaffle_shop, ported onto Sluice from the docs alone (examples/jaffle_shop). The marts must
 * equal what the dbt project computes, worked out here from the seed CSVs independently of SQL.
 */
const SOURCE = path.join(REPO, 'examples/jaffle_shop');
const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-jaffle-'));
cpSync(SOURCE, dir, { recursive: true });
mkdirSync(path.join(dir, 'node_modules'));
symlinkSync(REPO, path.join(dir, 'node_modules', 'sluice'), 'dir');

type Row = Record<string, string>;
function csv(name: string): Row[] {
  const [head, ...lines] = readFileSync(path.join(SOURCE, 'seeds', `${name}.csv`), 'utf8')
    .trim()
    .split(/\r?\n/);
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}
const customers = csv('raw_customers');
const orders = csv('raw_orders');
const payments = csv('raw_payments');
const METHODS = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'];
// The staging model divides integer cents by 100 in SQL: integer division, as in dbt on Postgres.
const dollars = (cents: string) => Math.trunc(Number(cents) / 100);
const sum = (ps: Row[]) => ps.reduce((s, p) => s + dollars(p.amount), 0);

const expectedOrders = orders.map((o) => {
  const ps = payments.filter((p) => p.order_id === o.id);
  return {
    order_id: Number(o.id),
    customer_id: Number(o.user_id),
    order_date: o.order_date,
    status: o.status,
    ...Object.fromEntries(
      METHODS.map((m) => [`${m}_amount`, ps.length ? sum(ps.filter((p) => p.payment_method === m)) : null]),
    ),
    amount: ps.length ? sum(ps) : null,
  };
});
const expectedCustomers = customers.map((c) => {
  const os = orders.filter((o) => o.user_id === c.id);
  const ids = new Set(os.map((o) => o.id));
  const ps = payments.filter((p) => ids.has(p.order_id));
  const dates = os.map((o) => o.order_date).sort();
  return {
    customer_id: Number(c.id),
    first_name: c.first_name,
    last_name: c.last_name,
    first_order: dates[0] ?? null,
    most_recent_order: dates.at(-1) ?? null,
    number_of_orders: os.length || null,
    customer_lifetime_value: ps.length ? sum(ps) : null,
  };
});

let dbs: CliDatabase[];
beforeAll(async () => {
  dbs = await cliDatabases('jaffle', { dir, dags: path.join(dir, 'dags') });
}, 60_000);
afterAll(async () => {
  for (const d of dbs ?? []) await d.close();
  rmSync(dir, { recursive: true, force: true });
});

// Numbers as numbers, dates as YYYY-MM-DD, so the two sides compare by value.
const ORDERS_SQL = `SELECT order_id, customer_id, order_date::text AS order_date, status,
  ${METHODS.map((m) => `${m}_amount::int AS ${m}_amount`).join(', ')}, amount::int AS amount
  FROM marts.orders ORDER BY order_id`;
const CUSTOMERS_SQL = `SELECT customer_id, first_name, last_name, first_order::text AS first_order,
  most_recent_order::text AS most_recent_order, number_of_orders::int AS number_of_orders,
  customer_lifetime_value::int AS customer_lifetime_value FROM marts.customers ORDER BY customer_id`;

test('the ported jaffle_shop seeds, builds and checks in one DAG run, and its marts equal the dbt results, twice', async () => {
  for (const d of dbs) {
    for (const time of [1, 2]) {
      const r = await d.sluice(['dags', 'test', 'jaffle_shop', '--date', '2026-03-01']);
      expect({ db: d.name, time, code: r.code, out: r.code ? r.stdout + r.stderr : '' }).toEqual({
        db: d.name,
        time,
        code: 0,
        out: '',
      });
      expect(r.stdout).toMatch(/check_marts\s+success/);
      expect(await d.query(ORDERS_SQL)).toEqual(expectedOrders);
      expect(await d.query(CUSTOMERS_SQL)).toEqual(expectedCustomers);
    }
  }
  expect(expectedOrders).toHaveLength(99);
  expect(expectedCustomers).toHaveLength(100);
}, 600_000);
