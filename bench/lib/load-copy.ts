/**
 * Scenario 1: one landed CSV object into a raw table, through Sluice's loadObjects and through
 * `psql \copy` of the same file, taking turns, each load into an empty target. Sluice COPYs into a
 * side table (constant bookkeeping defaults, a CHECK on `_partition`) and attaches it as the
 * day's partition of the partitioned raw table; psql COPYs into a plain table built with the same
 * statements, so the server does the same per-row work on both sides. Last, diagnostic Sluice
 * loads of the same day over the full partition time the replace path (count, detach + drop).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Client } from 'pg';
import { withAdminClient } from '../../src/db/databases';
import { directWarehouse } from '../../src/executor/child-warehouse';
import type { ObjectStore } from '../../src/lake/object-store';
import { loadObjects } from '../../src/warehouse/load-objects';
import { partitionTableName } from '../../src/warehouse/raw-table';
import type { Warehouse, WarehouseTx } from '../../src/db/queryable';
import { cpuShare, cpuSnapshot, type CpuShare } from './cpu';
import { BENCH_BUCKET, BENCH_DS, ORDER_LINE_COLUMNS } from './load-data';
import { ownCpuMs, pgDelta, pgMark, postgresSampler, reapedChildrenCpuMs } from './load-proc';
import { since } from './stats';

export const SLUICE_TABLE = 'bench_orders';
export const PSQL_TABLE = 'bench_orders_psql';
/** The lake partition of the benchmark's object, and so the raw table's partition it loads into. */
export const BENCH_PARTITION = `dt=${BENCH_DS}`;
/** The table that holds the day's rows once Sluice has attached it: raw.bench_orders__dt_2026_01_01. */
export const SLUICE_PARTITION = partitionTableName(SLUICE_TABLE, BENCH_PARTITION, '');
/** The side table a load COPYs into before it becomes that partition. */
export const SLUICE_SIDE = partitionTableName(SLUICE_TABLE, BENCH_PARTITION, '__new');

export type CopySide = 'sluice' | 'psql';

/**
 * Where a Sluice load's wall time goes, by the statements loadObjects sends (timed around each call
 * on the client, so a statement's time includes its round trip):
 * - `connect`: a new pool's connection (TCP, auth, backend start) and BEGIN;
 * - `check`: ensureRawTable's look at the table (pg_attribute);
 * - `side`: createSideTable and setSourceObject (DROP IF EXISTS, CREATE … LIKE, ALTER … SET DEFAULT / ADD CHECK);
 * - `copy`: the COPY … FROM STDIN, file read + SHA-256 + pg-copy-streams included;
 * - `log`: the sluice.ingestion_log insert (and the watermark upsert, when the object has one);
 * - `count`: swapPartition's to_regclass and count(*) of the old partition;
 * - `detach`: DETACH PARTITION and DROP TABLE of the old partition;
 * - `attach`: RENAME of the side table and ATTACH PARTITION;
 * - `commit`: COMMIT and the connection's release;
 * - `outside`: the rest: stat of the object and its sidecar, the pool's creation and close.
 */
export type StepKind =
  'connect' | 'check' | 'side' | 'copy' | 'log' | 'count' | 'detach' | 'attach' | 'other' | 'commit' | 'outside';
export const STEP_KINDS: readonly StepKind[] = [
  'connect',
  'check',
  'side',
  'copy',
  'log',
  'count',
  'detach',
  'attach',
  'other',
  'commit',
  'outside',
];
export type Steps = Readonly<Partial<Record<StepKind, number>>>;

export interface LoadRun {
  readonly ms: number;
  /** CPU of the loading client: the benchmark's Node process for Sluice, the psql process for psql. */
  readonly clientCpuMs?: number;
  /** CPU of the Postgres backend that ran the COPY. */
  readonly backendCpuMs?: number;
  /** CPU of every other Postgres process meanwhile (WAL writer, checkpointer, other clients). */
  readonly otherPgCpuMs?: number;
  readonly cpu?: CpuShare;
  /** The COPY statement alone: Sluice's from the client, psql's from its `\timing`. */
  readonly copyMs?: number;
  /** Sluice only: the wall time by statement (see StepKind). */
  readonly steps?: Steps;
  /** WAL the server wrote during the load (all of it: other clients' too). */
  readonly walBytes?: number;
  /** Checkpoints that completed during the load. */
  readonly checkpoints?: number;
}

export interface CopyResult {
  readonly sluice: LoadRun[];
  readonly psql: LoadRun[];
  /** Sluice loads of the same day over the full partition: count, detach and drop of the old partition table. */
  readonly reload: (LoadRun & { replaced: number })[];
  /** Aggregates over the loaded columns, equal in both tables (or the scenario throws). */
  readonly fingerprint: string;
  /** Defaults and constraints of Sluice's partition, the same as the psql table's (or the scenario throws). */
  readonly shape: string;
  /** On-disk size (pg_total_relation_size) of each side's table after its last load. */
  readonly tableBytes: { readonly sluice: number; readonly psql: number };
}

export interface CopyInput {
  readonly url: string;
  readonly store: ObjectStore;
  readonly lakeRoot: string;
  readonly key: string;
  readonly rows: number;
  readonly reps: number;
  /** How many re-loads over the full partition to time after the measured loads. */
  readonly reloadReps: number;
}

function stepOf(sql: string): StepKind {
  if (/^\s*COPY\b/i.test(sql)) return 'copy';
  if (/pg_attribute|CREATE SCHEMA|PARTITION BY LIST|ADD COLUMN/i.test(sql)) return 'check';
  if (/DROP TABLE IF EXISTS|\(LIKE\b|SET DEFAULT/i.test(sql)) return 'side';
  if (/to_regclass|count\(\*\)/i.test(sql)) return 'count';
  if (/DETACH PARTITION|^\s*DROP TABLE\b/i.test(sql)) return 'detach';
  if (/RENAME TO|ATTACH PARTITION/i.test(sql)) return 'attach';
  if (/ingestion_log|sluice\.watermark/i.test(sql)) return 'log';
  return 'other';
}

/**
 * `inner`, with the time of every statement (and of connect + BEGIN, COMMIT + release) added to
 * `steps`. It only reads the clock around the calls it passes on, a few microseconds a load.
 */
function timedWarehouse(inner: Warehouse, steps: Partial<Record<StepKind, number>>): Warehouse {
  const add = (k: StepKind, ms: number) => {
    steps[k] = (steps[k] ?? 0) + ms;
  };
  return {
    async query(sql, params) {
      const t = performance.now();
      try {
        return await inner.query(sql, params);
      } finally {
        add(stepOf(sql), since(t));
      }
    },
    async transaction(fn) {
      const t0 = performance.now();
      let tEnd = 0;
      const out = await inner.transaction(async (tx) => {
        add('connect', since(t0));
        const timed: WarehouseTx = {
          async query(sql, params) {
            const t = performance.now();
            try {
              return await tx.query(sql, params);
            } finally {
              add(stepOf(sql), since(t));
            }
          },
          copyFrom:
            tx.copyFrom &&
            (async (sql, body) => {
              const t = performance.now();
              try {
                return await tx.copyFrom!(sql, body);
              } finally {
                add(stepOf(sql), since(t));
              }
            }),
        };
        try {
          return await fn(timed);
        } finally {
          tEnd = performance.now();
        }
      });
      add('commit', since(tEnd));
      return out;
    },
  };
}

/**
 * Runs `fn` and measures its wall time, the client's and Postgres's CPU, the machine's CPU share,
 * and (read through `c` before and after, off the clock) the server's WAL and checkpoints.
 */
async function measured(c: Client, client: 'self' | 'children', fn: () => Promise<void>): Promise<LoadRun> {
  const clientCpu = client === 'self' ? ownCpuMs : reapedChildrenCpuMs;
  const mark = await pgMark(c);
  const c0 = clientCpu();
  const pg = postgresSampler();
  const m0 = cpuSnapshot();
  const t0 = performance.now();
  await fn();
  const ms = since(t0);
  const backend = pg.stop();
  const cpu = cpuShare(m0, cpuSnapshot());
  const c1 = clientCpu();
  const delta = await pgDelta(c, mark);
  return {
    ms,
    cpu,
    backendCpuMs: backend.backendMs,
    otherPgCpuMs: backend.othersMs,
    clientCpuMs: c0 === undefined || c1 === undefined ? undefined : c1 - c0,
    walBytes: delta.walBytes,
    checkpoints: delta.checkpoints,
  };
}

/** `psql \copy` of `file` into raw.<table>, with `\timing` on: the rows it reports and the COPY's own time. */
function psqlCopy(url: string, file: string, table: string): Promise<{ rows: number; copyMs?: number }> {
  const cols = ORDER_LINE_COLUMNS.map((c) => c.name).join(', ');
  const sql = `\\copy raw.${table} (${cols}) FROM '${file.replace(/'/g, "''")}' WITH (FORMAT csv, HEADER true)`;
  return new Promise((resolve, reject) => {
    const p = spawn('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', '\\timing on', '-c', sql], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      out += d;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const m = /^COPY (\d+)\s*\nTime: ([\d.]+) ms/m.exec(out) ?? /^COPY (\d+)/m.exec(out);
      if (code === 0 && m) resolve({ rows: Number(m[1]), copyMs: m[2] === undefined ? undefined : Number(m[2]) });
      else reject(new Error(`psql \\copy exited with ${code}: ${out.trim()}`));
    });
  });
}

async function count(c: Client, table: string, want: number): Promise<void> {
  const n = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM raw.${table}`)).rows[0].n);
  if (n !== want)
    throw new Error(
      `raw.${table} holds ${n.toLocaleString('en-US')} rows after the load, expected ${want.toLocaleString('en-US')}`,
    );
}

/** The tables (plain, or partitions) attached to raw.<parent>. */
async function partitionsOf(c: Client, parent: string): Promise<string[]> {
  const r = await c.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1`,
    [`raw.${parent}`],
  );
  return r.rows.map((x) => x.name);
}

const FINGERPRINT = `SELECT count(*) || ' rows, ' || sum(line_id) || ' Σline_id, ' || sum(quantity) || ' Σquantity, ' || sum(unit_price) || ' Σunit_price, ' ||
  count(note) || ' notes of ' || sum(length(note)) || ' chars, ' || count(discount) || ' discounts, ' || count(shipped_at) || ' shipped, ' ||
  sum(extract(epoch FROM ordered_at))::bigint || ' Σordered_at, _ds ' || min(_ds) || '…' || max(_ds) || ', _partition ' || min(_partition) || '…' || max(_partition) ||
  ', ' || count(DISTINCT _source_object) || ' _source_object (' || min(_source_object) || '), ' || count(DISTINCT _loaded_at) || ' _loaded_at' AS f FROM raw.`;

/** What the server does per row besides storing the data: each column's type, NOT NULL and default, and the CHECK constraints. */
async function shapeOf(c: Client, table: string): Promise<string> {
  const cols = await c.query<{ d: string }>(
    `SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ||
              coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), ''), ', ' ORDER BY a.attnum) AS d
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [`raw.${table}`],
  );
  const checks = await c.query<{ d: string }>(
    `SELECT coalesce(string_agg(pg_get_constraintdef(oid), ', ' ORDER BY 1), 'no CHECK') AS d FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'`,
    [`raw.${table}`],
  );
  const idx = await c.query<{ n: string }>(`SELECT count(*) AS n FROM pg_index WHERE indrelid = $1::regclass`, [
    `raw.${table}`,
  ]);
  return `${cols.rows[0].d}; ${checks.rows[0].d}; ${idx.rows[0].n} indexes`;
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function copyVsPsql(input: CopyInput, progress: (line: string) => void): Promise<CopyResult> {
  const file = path.join(input.lakeRoot, BENCH_BUCKET, ...input.key.split('/'));
  const ref = `${BENCH_BUCKET}/${input.key}`;
  /** One Sluice load, as a task would run it: a new directWarehouse (its own pool), loadObjects, close. */
  const sluiceLoad = async (steps?: Partial<Record<StepKind, number>>) => {
    const wh = directWarehouse(input.url);
    try {
      const r = await loadObjects(steps ? timedWarehouse(wh, steps) : wh, {
        store: input.store,
        bucket: BENCH_BUCKET,
        keys: [input.key],
        target: { schema: 'raw', table: SLUICE_TABLE },
        ds: BENCH_DS,
        source: 'bench.orders',
      });
      if (r.rows !== input.rows || r.method !== 'copy')
        throw new Error(`loadObjects loaded ${r.rows} rows by ${r.method}`);
      return r.replaced;
    } finally {
      await wh.close();
    }
  };
  const psqlLoad = async (): Promise<number | undefined> => {
    const r = await psqlCopy(input.url, file, PSQL_TABLE);
    if (r.rows !== input.rows)
      throw new Error(`psql \\copy into raw.${PSQL_TABLE} loaded ${r.rows} rows, expected ${input.rows}`);
    return r.copyMs;
  };

  return withAdminClient(input.url, async (c) => {
    const measuredSluice = async (): Promise<LoadRun & { replaced: number }> => {
      const steps: Partial<Record<StepKind, number>> = {};
      let replaced = 0;
      const run = await measured(c, 'self', async () => {
        replaced = await sluiceLoad(steps);
      });
      steps.outside = run.ms - STEP_KINDS.reduce((n, k) => n + (steps[k] ?? 0), 0);
      return { ...run, copyMs: steps.copy, steps, replaced };
    };
    const measuredPsql = async (): Promise<LoadRun> => {
      let copyMs: number | undefined;
      const run = await measured(c, 'children', async () => {
        copyMs = await psqlLoad();
      });
      return { ...run, copyMs };
    };

    // Untimed warm-up of both sides: creates raw.bench_orders and its day's partition, and puts the file in the page cache.
    await sluiceLoad();
    // The psql table, made with the statements createSideTable and setSourceObject send for Sluice's side table: the same
    // columns, NOT NULLs and now() default from the parent, constant _ds, _partition and _source_object defaults, and
    // the CHECK on _partition. A plain table that stays one (nothing attaches it), truncated before each load.
    await c.query(`CREATE TABLE raw.${PSQL_TABLE} (LIKE raw.${SLUICE_TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await c.query(`ALTER TABLE raw.${PSQL_TABLE} ALTER COLUMN _ds SET DEFAULT ${q(BENCH_DS)}::date,
                   ALTER COLUMN _partition SET DEFAULT ${q(BENCH_PARTITION)}, ADD CHECK (_partition = ${q(BENCH_PARTITION)})`);
    await c.query(`ALTER TABLE raw.${PSQL_TABLE} ALTER COLUMN _source_object SET DEFAULT ${q(ref)}`);
    const shape = await shapeOf(c, SLUICE_PARTITION);
    const psqlShape = await shapeOf(c, PSQL_TABLE);
    if (shape !== psqlShape)
      throw new Error(
        `raw.${PSQL_TABLE} is not shaped like Sluice's partition:\n  ${SLUICE_PARTITION}: ${shape}\n  ${PSQL_TABLE}: ${psqlShape}`,
      );
    await psqlLoad();

    // Untimed, before every measured load: an empty target, and the previous load's dirty pages flushed off its clock.
    const fresh = async (side: CopySide) => {
      if (side === 'sluice') {
        // The day's partition goes, so the next load is a day's first load (no old partition to count, detach and drop).
        await c.query(`DROP TABLE raw.${SLUICE_PARTITION}`);
        const left = await partitionsOf(c, SLUICE_TABLE);
        if (left.length)
          throw new Error(`raw.${SLUICE_TABLE} still has partitions after the reset: ${left.join(', ')}`);
      } else {
        await c.query(`TRUNCATE raw.${PSQL_TABLE}`);
      }
      await c.query('CHECKPOINT');
    };
    const out: Record<CopySide, LoadRun[]> = { sluice: [], psql: [] };
    const order: CopySide[] = ['sluice', 'psql'];
    for (let i = 0; i < input.reps; i++) {
      // Alternate who goes first, so neither side always inherits the other's background work (WAL writing, the checkpoint).
      for (const side of i % 2 === 0 ? order : [...order].reverse()) {
        await fresh(side);
        let run: LoadRun;
        if (side === 'sluice') {
          const r = await measuredSluice();
          if (r.replaced !== 0) throw new Error(`a load after dropping the partition replaced ${r.replaced} rows`);
          run = r;
        } else {
          run = await measuredPsql();
        }
        await count(c, side === 'sluice' ? SLUICE_TABLE : PSQL_TABLE, input.rows);
        out[side].push(run);
        progress(
          `${side} ${i + 1}/${input.reps}: ${(run.ms / 1000).toFixed(2)} s (COPY ${run.copyMs === undefined ? 'n/a' : `${(run.copyMs / 1000).toFixed(2)} s`})`,
        );
      }
    }

    // Re-runs of the day: the partition is full, so each load replaces it (count, detach and drop of the old table).
    const reload: (LoadRun & { replaced: number })[] = [];
    for (let i = 0; i < input.reloadReps; i++) {
      const before = await partitionsOf(c, SLUICE_TABLE);
      if (before.join() !== SLUICE_PARTITION)
        throw new Error(
          `raw.${SLUICE_TABLE} should have one full partition before the re-load, has: ${before.join(', ') || 'none'}`,
        );
      await count(c, SLUICE_TABLE, input.rows);
      await c.query('CHECKPOINT');
      const run = await measuredSluice();
      if (run.replaced !== input.rows)
        throw new Error(`the re-load replaced ${run.replaced} rows, the partition held ${input.rows}`);
      await count(c, SLUICE_TABLE, input.rows);
      const after = await partitionsOf(c, SLUICE_TABLE);
      const strays = await c.query<{ name: string }>(
        `SELECT relname AS name FROM pg_class WHERE relname LIKE $1 AND relkind = 'r'`,
        [`${SLUICE_TABLE}%__new`],
      );
      if (after.join() !== SLUICE_PARTITION || strays.rows.length) {
        throw new Error(
          `after the re-load raw.${SLUICE_TABLE} has partitions ${after.join(', ') || 'none'}, side tables left: ${strays.rows.map((x) => x.name).join(', ') || 'none'}`,
        );
      }
      reload.push(run);
      progress(
        `sluice re-load ${i + 1}/${input.reloadReps} over a full partition: ${(run.ms / 1000).toFixed(2)} s (COPY ${((run.copyMs ?? NaN) / 1000).toFixed(2)} s)`,
      );
    }

    const a = (await c.query<{ f: string }>(FINGERPRINT + SLUICE_TABLE)).rows[0].f;
    const b = (await c.query<{ f: string }>(FINGERPRINT + PSQL_TABLE)).rows[0].f;
    if (a !== b)
      throw new Error(
        `raw.${PSQL_TABLE} differs from raw.${SLUICE_TABLE}:\n  ${SLUICE_TABLE}: ${a}\n  ${PSQL_TABLE}: ${b}`,
      );
    const finalShape = await shapeOf(c, SLUICE_PARTITION);
    if (finalShape !== shape)
      throw new Error(`Sluice's partition changed shape between loads:\n  ${shape}\n  ${finalShape}`);
    const size = async (t: string) =>
      Number(
        (await c.query<{ n: string }>(`SELECT pg_total_relation_size($1::regclass)::text AS n`, [`raw.${t}`])).rows[0]
          .n,
      );
    return {
      ...out,
      reload,
      fingerprint: a,
      shape,
      tableBytes: { sluice: await size(SLUICE_PARTITION), psql: await size(PSQL_TABLE) },
    };
  });
}
