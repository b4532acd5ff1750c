/**
 * Scenario 3: a paginated JSON API into the lake. The whole Sluice path (httpSource → coercion with
 * `input: 'json'` → CSV writer → spool file → object put) against a bare loop that fetches and
 * JSON.parses the same pages and keeps nothing; alternating, after one warm-up of each.
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { httpSource } from '../../src/ingest/http-source';
import { landRows } from '../../src/ingest/land';
import type { ColumnSpec } from '../../src/lake/column-spec';
import type { ObjectStore } from '../../src/lake/object-store';
import { forkTs } from '../../src/process/fork-ts';
import { BENCH_BUCKET, BENCH_DS } from './load-data';
import { ownCpuMs } from './load-proc';
import { since } from './stats';

export const PAYMENT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'payment_id', type: 'text', nullable: false },
  { name: 'order_id', type: 'text', nullable: false },
  { name: 'customer_id', type: 'bigint', nullable: false },
  { name: 'method', type: 'text', nullable: false },
  { name: 'amount', type: 'numeric', nullable: false },
  { name: 'fee', type: 'double' },
  { name: 'currency', type: 'text', nullable: false },
  { name: 'captured', type: 'boolean', nullable: false },
  { name: 'card_last4', type: 'text' },
  { name: 'paid_at', type: 'timestamptz', nullable: false },
  { name: 'metadata', type: 'jsonb' },
];

export interface HttpRun {
  readonly ms: number;
  readonly records: number;
  readonly pages: number;
  /** This (the client's) process's CPU during the run. */
  readonly cpuMs: number;
}

export interface HttpResult {
  readonly records: number;
  readonly pageSize: number;
  readonly objectBytes: number;
  readonly lake: HttpRun[];
  readonly bare: HttpRun[];
}

function startApi(records: number, pageSize: number): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = forkTs(path.join(__dirname, 'load-api-child.ts'), {
      LOAD_API_RECORDS: String(records),
      LOAD_API_PAGE_SIZE: String(pageSize),
    });
    let tail = '';
    child.stdout?.on('data', (d: Buffer) => {
      tail = (tail + d.toString()).slice(-2000);
    });
    child.stderr?.on('data', (d: Buffer) => {
      tail = (tail + d.toString()).slice(-2000);
    });
    child.once('message', (m: { url: string }) => resolve({ url: m.url, child }));
    child.once('exit', (code) =>
      reject(new Error(`the API process exited (${code}) before listening: ${tail.trim()}`)),
    );
  });
}

async function timed(fn: () => Promise<{ records: number; pages: number }>): Promise<HttpRun> {
  const c0 = ownCpuMs();
  const t0 = performance.now();
  const r = await fn();
  return { ms: since(t0), cpuMs: ownCpuMs() - c0, ...r };
}

/** The floor: the same GETs and JSON.parse, nothing else. */
async function bareFetch(url: string, pageSize: number): Promise<{ records: number; pages: number }> {
  let records = 0;
  let pages = 0;
  let cursor: string | null = null;
  do {
    const u = new URL(url);
    u.searchParams.set('limit', String(pageSize));
    if (cursor) u.searchParams.set('cursor', cursor);
    const res = await fetch(u, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET ${u} → HTTP ${res.status}`);
    const body = JSON.parse(await res.text()) as { data: unknown[]; next_cursor: string | null };
    records += body.data.length;
    pages++;
    cursor = body.next_cursor;
  } while (cursor);
  return { records, pages };
}

export async function httpIngest(
  input: { store: ObjectStore; tmpDir: string; records: number; pageSize: number; reps: number },
  progress: (line: string) => void,
): Promise<HttpResult> {
  const { url, child } = await startApi(input.records, input.pageSize);
  let objectBytes = 0;
  const lakePath = async () => {
    const source = httpSource({
      url,
      params: { limit: input.pageSize },
      recordPath: 'data',
      columns: PAYMENT_COLUMNS,
      pagination: { mode: 'cursor', cursorPath: 'next_cursor' },
    });
    const landed = await landRows({
      store: input.store,
      bucket: BENCH_BUCKET,
      source: 'bench',
      dataset: 'payments',
      ds: BENCH_DS,
      columns: PAYMENT_COLUMNS,
      rows: source,
      input: 'json',
      tmpDir: input.tmpDir,
    });
    objectBytes = landed.bytes;
    return { records: landed.rows, pages: source.stats().pages };
  };
  try {
    await lakePath();
    await bareFetch(url, input.pageSize);
    const out = { lake: [] as HttpRun[], bare: [] as HttpRun[] };
    for (let i = 0; i < input.reps; i++) {
      for (const side of i % 2 === 0 ? (['lake', 'bare'] as const) : (['bare', 'lake'] as const)) {
        const run = await timed(side === 'lake' ? lakePath : () => bareFetch(url, input.pageSize));
        if (run.records !== input.records)
          throw new Error(`${side} run got ${run.records} records, the API serves ${input.records}`);
        out[side].push(run);
        progress(
          `${side === 'lake' ? 'lake path' : 'bare fetch'} ${i + 1}/${input.reps}: ${(run.ms / 1000).toFixed(2)} s`,
        );
      }
    }
    return { records: input.records, pageSize: input.pageSize, objectBytes, ...out };
  } finally {
    child.kill();
  }
}
