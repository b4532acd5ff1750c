/**
 * Scenario 2: a ~1 GB lake object loaded by loadObjects in a separate Node process, whose RSS is
 * sampled every 50 ms (load-rss-child.ts). Skipped, with the reason, when the disk is too full.
 */
import path from 'node:path';
import { forkTs } from '../../src/process/fork-ts';
import { withAdminClient } from '../../src/db/databases';
import type { ObjectStore } from '../../src/lake/object-store';
import { BENCH_BUCKET, BENCH_DS, landOrderLines } from './load-data';
import { freeBytes, pgDelta, pgMark, postgresSampler, type BackendCpu, type PgDelta } from './load-proc';
import type { RssReport } from './load-rss-child';
import { since } from './stats';

export const BIG_TABLE = 'bench_big';

/**
 * Room the scenario needs at its peak: the object and landRows's spool copy of it (2 × 1 GB) on the
 * lake's disk; the partition's heap (about 1.3 GB) and its WAL (as much again, until checkpoints
 * recycle it) on Postgres's. Asked for with a margin.
 */
const NEED_LAKE = 4e9;
const NEED_PG = 6e9;

export type RssResult =
  | { readonly skipped: string }
  | {
      readonly skipped?: undefined;
      readonly landMs: number;
      readonly report: RssReport;
      readonly pg: BackendCpu;
      readonly wal: PgDelta;
      readonly tableBytes: number;
    };

function runChild(env: Record<string, string>): Promise<RssReport> {
  return new Promise((resolve, reject) => {
    const child = forkTs(path.join(__dirname, 'load-rss-child.ts'), env);
    let tail = '';
    const keep = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let settled = false;
    child.on('message', (m: { ok: boolean; report?: RssReport; error?: string }) => {
      settled = true;
      if (m.ok) resolve(m.report!);
      else reject(new Error(`the loader process failed: ${m.error}`));
    });
    child.on('error', (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    child.on('exit', (code, signal) => {
      if (!settled)
        reject(
          new Error(`the loader process exited (${signal ?? code}) without a report: ${tail.trim() || '(no output)'}`),
        );
    });
  });
}

export async function bigLoad(
  input: { url: string; store: ObjectStore; lakeRoot: string; tmpDir: string; rows: number; pgDataDir: string },
  progress: (line: string) => void,
): Promise<RssResult> {
  const lakeFree = freeBytes(input.lakeRoot);
  const pgFree = freeBytes(input.pgDataDir); // undefined when we may not look at the data directory
  const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
  if (lakeFree !== undefined && lakeFree < NEED_LAKE)
    return { skipped: `only ${gb(lakeFree)} free for the lake at ${input.lakeRoot} (needs ${gb(NEED_LAKE)})` };
  if (pgFree !== undefined && pgFree < NEED_PG)
    return { skipped: `only ${gb(pgFree)} free for Postgres at ${input.pgDataDir} (needs ${gb(NEED_PG)})` };

  let key: string | undefined;
  try {
    const t0 = performance.now();
    const landed = await landOrderLines(input.store, input.tmpDir, 'big', input.rows);
    key = landed.key;
    const landMs = since(t0);
    progress(
      `landed ${landed.rows.toLocaleString('en-US')} rows, ${gb(landed.bytes)} in ${(landMs / 1000).toFixed(1)} s; loading in a child process`,
    );
    const mark = await withAdminClient(input.url, pgMark);
    const sampler = postgresSampler();
    const report = await runChild({
      LOAD_URL: input.url,
      LOAD_LAKE: input.lakeRoot,
      LOAD_BUCKET: BENCH_BUCKET,
      LOAD_KEY: landed.key,
      LOAD_TABLE: BIG_TABLE,
      LOAD_DS: BENCH_DS,
    });
    const pg = sampler.stop();
    const wal = await withAdminClient(input.url, (c) => pgDelta(c, mark));
    if (report.rows !== landed.rows)
      throw new Error(`the child loaded ${report.rows} rows, the object holds ${landed.rows}`);
    const tableBytes = await withAdminClient(input.url, async (c) => {
      const n = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM raw.${BIG_TABLE}`)).rows[0].n);
      if (n !== landed.rows)
        throw new Error(`raw.${BIG_TABLE} holds ${n} rows after the load, expected ${landed.rows}`);
      // A partitioned table has no storage of its own: its partitions' sizes.
      return Number(
        (
          await c.query<{ n: string }>(
            `SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0)::text AS n FROM pg_inherits WHERE inhparent = $1::regclass`,
            [`raw.${BIG_TABLE}`],
          )
        ).rows[0].n,
      );
    });
    return { landMs, report, pg, wal, tableBytes };
  } finally {
    // The big files go whatever happened: the object, its sidecar, and the table's gigabyte.
    if (key) await input.store.remove(BENCH_BUCKET, key).catch(() => undefined);
    await withAdminClient(input.url, (c) => c.query(`DROP TABLE IF EXISTS raw.${BIG_TABLE}`)).catch(() => undefined);
  }
}
