import type { Queryable } from '../db/queryable';

/** Which task wrote a row: the run is found by (dag_id, run_id). */
export interface RunRefs {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
}

export interface IngestionEntry {
  readonly kind: 'land' | 'load';
  readonly status: 'success' | 'failed';
  readonly source: string;
  readonly bucket?: string;
  readonly objectKey?: string;
  readonly target?: string;
  readonly ds?: string;
  readonly rows?: number;
  readonly rejectedRows?: number;
  readonly bytes?: number;
  readonly checksum?: string;
  readonly watermark?: string;
  readonly durationMs?: number;
  readonly error?: string;
  readonly run?: RunRefs;
}

/** One row of `sluice.ingestion_log`; a load writes it in the transaction that commits the rows. */
export async function recordIngestion(q: Queryable, e: IngestionEntry): Promise<void> {
  await q.query(
    `INSERT INTO sluice.ingestion_log (run_id, dag_id, task_id, kind, status, source, bucket, object_key, target, ds, rows,
                                       rejected_rows, bytes, checksum, watermark, duration_ms, error)
     VALUES ((SELECT id FROM sluice.dag_run WHERE dag_id = $1 AND run_id = $2), $1, $3, $4, $5, $6, $7, $8, $9, $10::date, $11,
             $12, $13, $14, $15, $16, $17)`,
    [
      e.run?.dagId ?? null,
      e.run?.runId ?? null,
      e.run?.taskId ?? null,
      e.kind,
      e.status,
      e.source,
      e.bucket ?? null,
      e.objectKey ?? null,
      e.target ?? null,
      e.ds ?? null,
      e.rows ?? null,
      e.rejectedRows ?? 0,
      e.bytes ?? null,
      e.checksum ?? null,
      e.watermark ?? null,
      e.durationMs ?? null,
      e.error ?? null,
    ],
  );
}

/**
 * Records a landing found already in the lake unless the log has it: a try that landed the object
 * but died (or lost the database) before its log row committed is retried through the "already
 * landed" path, and the log must not miss the object. Idempotent: one row per object and checksum.
 */
export async function recordLandingOnce(
  q: Queryable,
  e: IngestionEntry & { readonly bucket: string; readonly objectKey: string; readonly checksum: string },
): Promise<boolean> {
  const seen = await q.query(
    `SELECT 1 FROM sluice.ingestion_log WHERE kind = 'land' AND status = 'success' AND bucket = $1 AND object_key = $2 AND checksum = $3 LIMIT 1`,
    [e.bucket, e.objectKey, e.checksum],
  );
  if (seen.rowCount) return false;
  await recordIngestion(q, e);
  return true;
}

/**
 * Where an incremental read for partition `ds` starts: the watermark reached by the latest
 * committed load of an earlier partition (undefined before the first). Taking it from the
 * partition history, not the current watermark, makes a re-run of a day read the same rows as its
 * first run instead of "nothing new", so re-running a day never empties it.
 */
export async function watermarkBefore(q: Queryable, source: string, ds: string): Promise<string | undefined> {
  const r = await q.query<{ watermark: string }>(
    `SELECT watermark FROM sluice.ingestion_log
      WHERE kind = 'load' AND status = 'success' AND source = $1 AND ds < $2::date AND watermark IS NOT NULL
      ORDER BY ds DESC, id DESC LIMIT 1`,
    [source, ds],
  );
  return r.rows[0]?.watermark;
}
