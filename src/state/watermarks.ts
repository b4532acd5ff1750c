import type { Queryable } from '../db/queryable';
import type { RunRefs } from './ingestion-log';

/** Each source's current watermark (`sluice.watermark`): how far its incremental reads have come. */

export interface WatermarkReached {
  readonly source: string;
  readonly value: string;
  /** The object (`bucket/key`) the value came from. */
  readonly objectRef: string;
  /** The partition loaded. */
  readonly ds: string;
  readonly run?: RunRefs;
}

/**
 * Sets the source's current watermark after a load of partition `ds`, unless a later partition was
 * already loaded: a re-run of an older day leaves it alone.
 */
export async function advanceWatermark(q: Queryable, w: WatermarkReached): Promise<void> {
  await q.query(
    `INSERT INTO sluice.watermark (source, value, object_key, run_id, updated_at)
     SELECT $1, $2, $3, (SELECT id FROM sluice.dag_run WHERE dag_id = $4 AND run_id = $5), now()
      WHERE NOT EXISTS (SELECT 1 FROM sluice.ingestion_log
                         WHERE kind = 'load' AND status = 'success' AND source = $1 AND ds > $6::date)
     ON CONFLICT (source) DO UPDATE SET value = EXCLUDED.value, object_key = EXCLUDED.object_key, run_id = EXCLUDED.run_id, updated_at = now()`,
    [w.source, w.value, w.objectRef, w.run?.dagId ?? null, w.run?.runId ?? null, w.ds],
  );
}
