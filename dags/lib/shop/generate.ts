import { dayIndex, pick, prng, seedOf } from './random';

/**
 * The demo shop's data, generated deterministically per day: the same day and scale always give
 * the same customers, orders and payments, so re-running a day must leave the warehouse unchanged.
 * `scale` 1 is a small shop (20 new customers and 100 orders a day); benchmarks raise it.
 */
export interface Customer {
  customer_id: number;
  email: string;
  full_name: string;
  country: string;
  signed_up_at: string;
}
export interface Order {
  order_id: string;
  customer_id: number;
  status: OrderStatus;
  amount: string;
  currency: string;
  ordered_at: string;
  updated_at: string;
}
export interface Payment {
  payment_id: string;
  order_id: string;
  method: string;
  amount: string;
  status: 'captured' | 'refunded';
  paid_at: string;
}
export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled';

const FIRST = [
  'Ada',
  'Grace',
  'Linus',
  'Barbara',
  'Edsger',
  'Margaret',
  'Ken',
  'Frances',
  'Donald',
  'Radia',
  'José',
  'Zoë',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Liskov',
  'Dijkstra',
  'Hamilton',
  'Thompson',
  'Allen',
  'Knuth',
  'Perlman',
  "O'Neil",
  'Müller',
];
const COUNTRIES = ['DE', 'FR', 'NL', 'GB', 'US', 'ES', 'IT', 'SE'];
const METHODS = ['card', 'card', 'card', 'paypal', 'bank_transfer', 'gift_card'];

export const customersPerDay = (scale: number) => Math.max(1, Math.round(20 * scale));
export const ordersPerDay = (scale: number) => Math.max(1, Math.round(100 * scale));

const compact = (ds: string) => ds.replace(/-/g, '');
const at = (ds: string, ms: number) => new Date(Date.parse(`${ds}T00:00:00Z`) + ms).toISOString();

export function customersFor(ds: string, scale = 1): Customer[] {
  const rand = prng(seedOf('customers', ds, scale));
  const n = customersPerDay(scale);
  const first = Math.max(0, dayIndex(ds)) * n;
  return Array.from({ length: n }, (_, i) => {
    const name = `${pick(rand, FIRST)} ${pick(rand, LAST)}`;
    const id = first + i + 1;
    return {
      customer_id: id,
      email: `customer${id}@example.com`,
      full_name: name,
      country: pick(rand, COUNTRIES),
      signed_up_at: at(ds, Math.floor(rand() * 86_400_000)),
    };
  });
}

/**
 * The day's new orders, with their state at the end of the day. `badData` adds three orders that
 * break the shop's rules (an unknown status, a negative amount, a duplicate id): the demo's quality
 * gate must stop them before the marts.
 */
export function ordersFor(ds: string, scale = 1, badData = false): Order[] {
  const good = cleanOrdersFor(ds, scale);
  if (!badData) return good;
  const first = good[0];
  return [
    ...good,
    { ...first, order_id: `o-${compact(ds)}-bad-1`, status: 'lost' as OrderStatus },
    { ...first, order_id: `o-${compact(ds)}-bad-2`, amount: '-42.00' },
    {
      ...first,
      order_id: `o-${compact(ds)}-bad-3`,
      updated_at: new Date(Date.parse(first.ordered_at) - 3_600_000).toISOString(),
    },
  ];
}

function cleanOrdersFor(ds: string, scale: number): Order[] {
  const rand = prng(seedOf('orders', ds, scale));
  const known = (Math.max(0, dayIndex(ds)) + 1) * customersPerDay(scale);
  return Array.from({ length: ordersPerDay(scale) }, (_, i) => {
    const placed = Math.floor(rand() * 80_000_000);
    const r = rand();
    const status: OrderStatus = r < 0.08 ? 'cancelled' : r < 0.2 ? 'placed' : 'paid';
    return {
      order_id: `o-${compact(ds)}-${String(i + 1).padStart(6, '0')}`,
      customer_id: 1 + Math.floor(rand() * known),
      status,
      amount: (5 + rand() * 245).toFixed(2),
      currency: 'EUR',
      ordered_at: at(ds, placed),
      updated_at: at(ds, placed + 60_000 + Math.floor(rand() * 3_000_000)),
    };
  });
}

/** Orders of the previous day that move on today (paid → shipped): the incremental extract picks them up. */
export function orderUpdatesFor(ds: string, scale = 1): Array<Pick<Order, 'order_id' | 'status' | 'updated_at'>> {
  const prev = new Date(Date.parse(`${ds}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  if (dayIndex(prev) < 0) return [];
  const rand = prng(seedOf('updates', ds, scale));
  return ordersFor(prev, scale)
    .filter((o) => o.status === 'paid' && rand() < 0.5)
    .map((o) => ({
      order_id: o.order_id,
      status: 'shipped' as const,
      updated_at: at(ds, 3_600_000 + Math.floor(rand() * 60_000_000)),
    }));
}

/** One payment per paid order of the day (a few refunded), as the payments API serves them. */
export function paymentsFor(ds: string, scale = 1): Payment[] {
  const rand = prng(seedOf('payments', ds, scale));
  return ordersFor(ds, scale)
    .filter((o) => o.status === 'paid')
    .map((o, i) => ({
      payment_id: `p-${compact(ds)}-${String(i + 1).padStart(6, '0')}`,
      order_id: o.order_id,
      method: pick(rand, METHODS),
      amount: o.amount,
      status: rand() < 0.03 ? ('refunded' as const) : ('captured' as const),
      paid_at: new Date(Date.parse(o.ordered_at) + 30_000).toISOString(),
    }));
}
