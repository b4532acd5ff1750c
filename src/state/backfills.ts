import type { JsonObject } from '../dag/types';
import type { Queryable } from '../db/queryable';
import { RUN_COLUMNS, type RunRow } from './run-listing';

export interface NewBackfill {
  readonly dagId: string;
  readonly from: Date;
  readonly to: Date;
  readonly conf?: JsonObject;
  /** The user who asked for it (the web UI and API); undefined from the CLI. */
  readonly createdBy?: string;
}

/** A backfill's row (`sluice.backfill`), which its runs point at; returns its id. */
export async function createBackfill(db: Queryable, b: NewBackfill): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO sluice.backfill (dag_id, from_date, to_date, conf, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [b.dagId, b.from, b.to, JSON.stringify(b.conf ?? {}), b.createdBy ?? null],
  );
  return Number(r.rows[0].id);
}

export type BackfillState = 'running' | 'completed' | 'cancelled';
export const BACKFILL_STATES: readonly BackfillState[] = ['running', 'completed', 'cancelled'];

/** A backfill with its runs counted by state. */
export interface BackfillRow {
  readonly id: number;
  readonly dag_id: string;
  readonly from_date: Date;
  readonly to_date: Date;
  readonly conf: JsonObject;
  readonly created_by: string | null;
  readonly created_at: Date;
  readonly cancelled_by: string | null;
  readonly cancelled_at: Date | null;
  /** When its last run ended, once none is queued or running. */
  readonly completed_at: Date | null;
  readonly state: BackfillState;
  readonly queued: number;
  readonly running: number;
  readonly success: number;
  readonly failed: number;
  readonly total: number;
}

// Cancelled wins; otherwise running while any run is queued or running.
const BACKFILLS = `
  SELECT b.id::int AS id, b.dag_id, b.from_date, b.to_date, b.conf, b.created_by, b.created_at, b.cancelled_by, b.cancelled_at,
         c.queued, c.running, c.success, c.failed, c.total,
         CASE WHEN c.queued + c.running = 0 THEN coalesce(c.last_end, b.cancelled_at, b.created_at) END AS completed_at,
         CASE WHEN b.cancelled_at IS NOT NULL THEN 'cancelled' WHEN c.queued + c.running > 0 THEN 'running' ELSE 'completed' END AS state
    FROM sluice.backfill b
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE r.state = 'queued')::int AS queued,
             count(*) FILTER (WHERE r.state = 'running')::int AS running,
             count(*) FILTER (WHERE r.state = 'success')::int AS success,
             count(*) FILTER (WHERE r.state = 'failed')::int AS failed,
             count(*)::int AS total,
             max(r.end_date) AS last_end
        FROM sluice.dag_run r WHERE r.backfill_id = b.id) c
   WHERE b.dag_id = $1`;

/** A DAG's backfills, newest first, optionally only those in one state. */
export async function listBackfills(
  db: Queryable,
  f: { readonly dagId: string; readonly state?: BackfillState; readonly limit: number; readonly offset: number },
): Promise<BackfillRow[]> {
  const r = await db.query<BackfillRow>(
    `SELECT * FROM (${BACKFILLS}) x WHERE ($2::text IS NULL OR state = $2) ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [f.dagId, f.state ?? null, f.limit, f.offset],
  );
  return r.rows;
}

/** How many backfills `listBackfills` pages through. */
export async function countBackfills(
  db: Queryable,
  f: { readonly dagId: string; readonly state?: BackfillState },
): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (${BACKFILLS}) x WHERE ($2::text IS NULL OR state = $2)`,
    [f.dagId, f.state ?? null],
  );
  return r.rows[0].n;
}

/** One backfill of the DAG; undefined when it has none with this id. */
export async function backfillById(db: Queryable, dagId: string, id: number): Promise<BackfillRow | undefined> {
  const r = await db.query<BackfillRow>(`${BACKFILLS} AND b.id = $2`, [dagId, id]);
  return r.rows[0];
}

/** A backfill's runs by logical date, optionally only those in one state. */
export async function runsOfBackfill(
  db: Queryable,
  f: { readonly backfillId: number; readonly state?: string; readonly limit: number; readonly offset: number },
): Promise<RunRow[]> {
  const r = await db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM sluice.dag_run WHERE backfill_id = $1 AND ($2::text IS NULL OR state = $2)
      ORDER BY logical_date, id LIMIT $3 OFFSET $4`,
    [f.backfillId, f.state ?? null, f.limit, f.offset],
  );
  return r.rows;
}

/** How many runs `runsOfBackfill` pages through. */
export async function countRunsOfBackfill(
  db: Queryable,
  f: { readonly backfillId: number; readonly state?: string },
): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sluice.dag_run WHERE backfill_id = $1 AND ($2::text IS NULL OR state = $2)`,
    [f.backfillId, f.state ?? null],
  );
  return r.rows[0].n;
}

/** The DAG's runs that a backfill of [from, to] would collide with (the unique interval index: all but manual runs). */
export async function intervalRunsBetween(
  db: Queryable,
  dagId: string,
  from: Date,
  to: Date,
): Promise<Array<{ logical_date: Date; run_id: string; state: string; run_type: string }>> {
  const r = await db.query<{ logical_date: Date; run_id: string; state: string; run_type: string }>(
    `SELECT logical_date, run_id, state, run_type FROM sluice.dag_run
      WHERE dag_id = $1 AND run_type <> 'manual' AND logical_date BETWEEN $2 AND $3`,
    [dagId, from, to],
  );
  return r.rows;
}

/**
 * Cancels a backfill that still has runs to go, in one statement, so it holds with several schedulers:
 * the backfill is marked (once: a second cancel finds it marked), and its runs still queued end failed,
 * each only while it is still queued. A scheduler starting a run locks its row first, so a run is either
 * started (and finishes) or failed here, never both. Returns how many runs will not start, or undefined
 * when nothing was cancelled (no such backfill, cancelled already, or nothing left to run).
 */
export async function cancelBackfillRuns(
  db: Queryable,
  dagId: string,
  id: number,
  by: string | undefined,
): Promise<number | undefined> {
  const r = await db.query<{ cancelled: number; not_started: number }>(
    `WITH b AS (
       UPDATE sluice.backfill SET cancelled_at = now(), cancelled_by = $3
        WHERE id = $2 AND dag_id = $1 AND cancelled_at IS NULL
          AND EXISTS (SELECT 1 FROM sluice.dag_run r WHERE r.backfill_id = $2 AND r.state IN ('queued', 'running'))
       RETURNING id
     ), r AS (
       UPDATE sluice.dag_run SET state = 'failed', end_date = now()
        WHERE backfill_id IN (SELECT id FROM b) AND state = 'queued'
       RETURNING id
     )
     SELECT (SELECT count(*) FROM b)::int AS cancelled, (SELECT count(*) FROM r)::int AS not_started`,
    [dagId, id, by ?? null],
  );
  return r.rows[0].cancelled ? r.rows[0].not_started : undefined;
}
