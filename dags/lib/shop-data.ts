/** Deterministic demo data: the same day always yields the same orders. */
export interface Order {
  order_id: string;
  customer_id: number;
  status: 'placed' | 'shipped' | 'delivered' | 'cancelled';
  payment_method: 'card' | 'paypal' | 'bank_transfer' | 'gift_card';
  amount: number;
  ordered_at: string;
}

const STATUSES = ['placed', 'shipped', 'delivered', 'delivered', 'delivered', 'cancelled'] as const;
const METHODS = ['card', 'card', 'card', 'paypal', 'bank_transfer', 'gift_card'] as const;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateOrders(ds: string, count: number): Order[] {
  const rand = prng(Number(ds.replace(/-/g, '')));
  const dayStart = Date.parse(`${ds}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => ({
    order_id: `${ds.replace(/-/g, '')}-${String(i + 1).padStart(5, '0')}`,
    customer_id: 1 + Math.floor(rand() * 500),
    status: STATUSES[Math.floor(rand() * STATUSES.length)],
    payment_method: METHODS[Math.floor(rand() * METHODS.length)],
    amount: Math.round((5 + rand() * 245) * 100) / 100,
    ordered_at: new Date(dayStart + Math.floor(rand() * 86_400_000)).toISOString(),
  }));
}

const COLUMNS = ['order_id', 'customer_id', 'status', 'payment_method', 'amount', 'ordered_at'] as const;

export function ordersCsv(orders: Order[]): string {
  return [COLUMNS.join(','), ...orders.map((o) => COLUMNS.map((c) => o[c]).join(','))].join('\n') + '\n';
}

export function parseOrdersCsv(text: string): Order[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  if (header !== COLUMNS.join(',')) throw new Error(`unexpected CSV header: ${header}`);
  return lines.map((line, i) => {
    const f = line.split(',');
    if (f.length !== COLUMNS.length) throw new Error(`line ${i + 2}: expected ${COLUMNS.length} fields, got ${f.length}`);
    return { order_id: f[0], customer_id: Number(f[1]), status: f[2] as Order['status'], payment_method: f[3] as Order['payment_method'], amount: Number(f[4]), ordered_at: f[5] };
  });
}
