import type { JsonValue } from '../dag/types';
import type { Queryable } from '../db/queryable';

/** What the Data pages read of the platform: the ingestion log, and the builds of the tasks that make tables. */

/** One row of `sluice.ingestion_log` as the pages and the API show it (the run by its name). */
export interface IngestionRow {
  readonly id: number;
  readonly kind: 'land' | 'load';
  readonly status: 'success' | 'failed';
  /** `<source>.<dataset>` (`shop.orders`). */
  readonly source: string;
  readonly bucket: string | null;
  readonly object_key: string | null;
  /** The raw table a load wrote (`raw.shop_orders`). */
  readonly target: string | null;
  /** The partition day, YYYY-MM-DD. */
  readonly ds: string | null;
  readonly rows: number | null;
  readonly rejected_rows: number;
  readonly bytes: number | null;
  readonly checksum: string | null;
  readonly watermark: string | null;
  readonly duration_ms: number | null;
  readonly error: string | null;
  readonly dag_id: string | null;
  readonly run_id: string | null;
  readonly task_id: string | null;
  readonly created_at: Date;
}

export interface IngestionFilter {
  readonly dagId?: string;
  readonly kind?: 'land' | 'load';
  readonly status?: 'success' | 'failed';
  /** `<source>.<dataset>`. */
  readonly source?: string;
  readonly target?: string;
  readonly bucket?: string;
  /** Partition days from and to, inclusive (YYYY-MM-DD). */
  readonly dsFrom?: string;
  readonly dsTo?: string;
}

const WHERE = `($1::text IS NULL OR l.dag_id = $1) AND ($2::text IS NULL OR l.kind = $2) AND ($3::text IS NULL OR l.status = $3)
   AND ($4::text IS NULL OR l.source = $4) AND ($5::text IS NULL OR l.target = $5) AND ($6::text IS NULL OR l.bucket = $6)
   AND ($7::date IS NULL OR l.ds >= $7::date) AND ($8::date IS NULL OR l.ds <= $8::date)`;

const COLUMNS = `l.id, l.kind, l.status, l.source, l.bucket, l.object_key, l.target, l.ds::text AS ds, l.rows, l.rejected_rows,
   l.bytes, l.checksum, l.watermark, l.duration_ms, l.error, l.dag_id, r.run_id, l.task_id, l.created_at`;

const filterParams = (f: IngestionFilter) => [
  f.dagId ?? null,
  f.kind ?? null,
  f.status ?? null,
  f.source ?? null,
  f.target ?? null,
  f.bucket ?? null,
  f.dsFrom ?? null,
  f.dsTo ?? null,
];

/** A page of the ingestion log, newest first (`oldestFirst` for a history), and how many rows match. */
export async function ingestionLogPage(
  q: Queryable,
  f: IngestionFilter,
  page: { readonly limit: number; readonly offset: number; readonly oldestFirst?: boolean },
): Promise<{ rows: IngestionRow[]; total: number }> {
  const params = filterParams(f);
  const rows = await q.query<IngestionRow>(
    `SELECT ${COLUMNS} FROM sluice.ingestion_log l LEFT JOIN sluice.dag_run r ON r.id = l.run_id
      WHERE ${WHERE} ORDER BY l.id ${page.oldestFirst ? 'ASC' : 'DESC'} LIMIT $9 OFFSET $10`,
    [...params, page.limit, page.offset],
  );
  const count = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sluice.ingestion_log l WHERE ${WHERE}`,
    params,
  );
  return { rows: rows.rows, total: count.rows[0].n };
}

/** Every object a task instance landed and every load it made, oldest first. */
export async function ingestionOfTask(q: Queryable, runPk: number, taskId: string): Promise<IngestionRow[]> {
  const r = await q.query<IngestionRow>(
    `SELECT ${COLUMNS} FROM sluice.ingestion_log l LEFT JOIN sluice.dag_run r ON r.id = l.run_id
      WHERE l.run_id = $1 AND l.task_id = $2 ORDER BY l.id`,
    [runPk, taskId],
  );
  return r.rows;
}

/** The latest successful landing of each of these objects of a bucket (objects the log has none for are absent). */
export async function landingsOfObjects(
  q: Queryable,
  bucket: string,
  keys: readonly string[],
): Promise<Map<string, IngestionRow>> {
  if (!keys.length) return new Map();
  const r = await q.query<IngestionRow>(
    `SELECT DISTINCT ON (l.object_key) ${COLUMNS} FROM sluice.ingestion_log l LEFT JOIN sluice.dag_run r ON r.id = l.run_id
      WHERE l.kind = 'land' AND l.status = 'success' AND l.bucket = $1 AND l.object_key = ANY($2::text[])
      ORDER BY l.object_key, l.id DESC`,
    [bucket, keys],
  );
  return new Map(r.rows.map((x) => [x.object_key!, x]));
}

/** Every bucket the ingestion log names. */
export async function loggedBuckets(q: Queryable): Promise<string[]> {
  const r = await q.query<{ bucket: string }>(
    `SELECT DISTINCT bucket FROM sluice.ingestion_log WHERE bucket IS NOT NULL ORDER BY bucket`,
  );
  return r.rows.map((x) => x.bucket);
}

/** A finished task instance of a task that builds a table, with what it returned. */
export interface TaskBuild {
  readonly dag_id: string;
  readonly task_id: string;
  readonly run_id: string;
  readonly logical_date: Date;
  readonly state: string;
  readonly start_date: Date | null;
  readonly end_date: Date | null;
  readonly duration_ms: number | null;
  readonly value: JsonValue | null;
}

/** The finished (success or failed) instances of these tasks, oldest first, the newest `limit` of them. */
export async function finishedBuilds(
  q: Queryable,
  tasks: ReadonlyArray<{ readonly dagId: string; readonly taskId: string }>,
  limit: number,
): Promise<TaskBuild[]> {
  if (!tasks.length) return [];
  const r = await q.query<TaskBuild>(
    `SELECT * FROM (
       SELECT ti.id, ti.dag_id, ti.task_id, r.run_id, r.logical_date, ti.state, ti.start_date, ti.end_date, ti.duration_ms, tr.value
         FROM unnest($1::text[], $2::text[]) AS w(dag_id, task_id)
         JOIN sluice.task_instance ti ON ti.dag_id = w.dag_id AND ti.task_id = w.task_id
         JOIN sluice.dag_run r ON r.id = ti.run_id
         LEFT JOIN sluice.task_return tr ON tr.run_id = ti.run_id AND tr.task_id = ti.task_id
        WHERE ti.state IN ('success', 'failed') AND ti.end_date IS NOT NULL
        ORDER BY ti.end_date DESC, ti.id DESC LIMIT $3
     ) b ORDER BY b.end_date, b.id`,
    [tasks.map((t) => t.dagId), tasks.map((t) => t.taskId), limit],
  );
  return r.rows.map(({ id: _id, ...b }: TaskBuild & { id?: number }) => b);
}
