/**
 * The load benchmark's order lines: deterministic (a seeded PRNG, so every run loads the same
 * bytes), produced one row at a time (a 10M-row file never sits in memory) and already in
 * columns.ts's canonical form, so landRows writes them without coercion. About 100 bytes of CSV
 * a row: ids, text (some with quotes and commas, so the writer quotes and COPY unquotes),
 * numerics, an integer, timestamptz and a few nulls.
 */
import path from 'node:path';
import { landRows, type Landed } from '../../src/ingest/land';
import type { ColumnSpec, SourceRow } from '../../src/lake/column-spec';
import type { ObjectStore } from '../../src/lake/object-store';
import { prng } from '../../dags/lib/shop/random'; // the demo's generator PRNG: same seeds, same data

export const ORDER_LINE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'line_id', type: 'bigint', nullable: false },
  { name: 'customer_id', type: 'bigint', nullable: false },
  { name: 'sku', type: 'text', nullable: false },
  { name: 'note', type: 'text' },
  { name: 'quantity', type: 'integer', nullable: false },
  { name: 'unit_price', type: 'numeric', nullable: false },
  { name: 'discount', type: 'numeric' },
  { name: 'status', type: 'text', nullable: false },
  { name: 'ordered_at', type: 'timestamptz', nullable: false },
  { name: 'shipped_at', type: 'timestamptz' },
];

export const BENCH_BUCKET = 'raw';
export const BENCH_DS = '2026-01-01';

// Notes are what makes CSV parsing work: commas and quotes force quoting and escaped quotes.
const NOTES = [
  'leave at the door',
  'gift wrap, please',
  'call before delivery',
  'fragile',
  'the "blue" one',
  'no substitutions',
  'ring twice, then wait',
  'deliver to reception',
  'size M, not L',
  'urgent',
];
const STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'cancelled'];
const DAY0 = Date.parse(`${BENCH_DS}T00:00:00Z`);

/** `n` order lines; the same `n` and `seed` always give the same rows. */
export async function* orderLines(n: number, seed = 1): AsyncGenerator<SourceRow> {
  const rand = prng(seed);
  for (let i = 1; i <= n; i++) {
    const ordered = DAY0 + Math.floor(rand() * 86_400_000);
    const r = rand();
    yield {
      at: `order line ${i}`,
      values: {
        line_id: String(10_000_000 + i),
        customer_id: String(100_000 + Math.floor(rand() * 900_000)),
        sku: `SKU-${String(Math.floor(rand() * 100_000)).padStart(6, '0')}`,
        note: r < 0.3 ? null : NOTES[Math.floor(rand() * NOTES.length)],
        quantity: 1 + Math.floor(rand() * 12),
        unit_price: (0.5 + rand() * 499.5).toFixed(2),
        discount: r < 0.8 ? null : (rand() * 20).toFixed(2),
        status: STATUSES[Math.floor(rand() * STATUSES.length)],
        ordered_at: new Date(ordered).toISOString(),
        shipped_at: r < 0.5 ? null : new Date(ordered + 3_600_000 + Math.floor(rand() * 172_800_000)).toISOString(),
      },
    };
  }
}

/**
 * Lands `n` order lines as `bench/<dataset>/dt=<ds>/part-0000.csv` through landRows, so the object
 * carries the same metadata (rows, sha256, schema) as anything Sluice lands.
 */
export function landOrderLines(store: ObjectStore, tmpDir: string, dataset: string, n: number): Promise<Landed> {
  return landRows({
    store,
    bucket: BENCH_BUCKET,
    source: 'bench',
    dataset,
    ds: BENCH_DS,
    columns: ORDER_LINE_COLUMNS,
    rows: orderLines(n),
    tmpDir: path.resolve(tmpDir),
  });
}
