import { SluiceError } from '../errors/errors';
import {
  BACKFILL_STATES,
  backfillById,
  cancelBackfillRuns,
  countBackfills,
  countRunsOfBackfill,
  listBackfills as backfillRows,
  runsOfBackfill,
  type BackfillRow,
  type BackfillState,
} from '../state/backfills';
import { didYouMean } from '../util/did-you-mean';
import { findDag } from './find-dag';
import { listing, type RunListing } from './runs';
import type { Runtime } from './runtime';

const RUN_STATES = ['queued', 'running', 'success', 'failed'] as const;

/** A backfill and its progress, as the CLI, the web UI and the API show it. */
export interface BackfillSummary {
  readonly id: number;
  readonly dagId: string;
  readonly from: Date;
  readonly to: Date;
  readonly conf: BackfillRow['conf'];
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly cancelledBy: string | null;
  readonly cancelledAt: Date | null;
  readonly completedAt: Date | null;
  /** running while a run is queued or running; cancelled once cancelled (its running runs may still finish). */
  readonly state: BackfillState;
  readonly runs: {
    readonly total: number;
    readonly queued: number;
    readonly running: number;
    readonly success: number;
    readonly failed: number;
  };
  /** Ended runs over all runs, 0 to 1 (1 for a backfill with no runs). */
  readonly done: number;
}

function summary(b: BackfillRow): BackfillSummary {
  const ended = b.success + b.failed;
  return {
    id: b.id,
    dagId: b.dag_id,
    from: b.from_date,
    to: b.to_date,
    conf: b.conf,
    createdBy: b.created_by,
    createdAt: b.created_at,
    cancelledBy: b.cancelled_by,
    cancelledAt: b.cancelled_at,
    completedAt: b.completed_at,
    state: b.state,
    runs: { total: b.total, queued: b.queued, running: b.running, success: b.success, failed: b.failed },
    done: b.total ? ended / b.total : 1,
  };
}

function checkState<T extends string>(what: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new SluiceError(
    'USAGE',
    `${what} must be one of ${allowed.join(', ')}, got "${value}"${didYouMean(value, allowed)}`,
  );
}

/** A DAG's backfills, newest first, with their progress; `total` is how many match. */
export async function listDagBackfills(
  rt: Runtime,
  f: { readonly dagId: string; readonly state?: string; readonly limit: number; readonly offset?: number },
): Promise<{ items: BackfillSummary[]; total: number }> {
  const state = checkState('state', f.state, BACKFILL_STATES);
  await findDag(rt.db, f.dagId);
  const filter = { dagId: f.dagId, state };
  const [rows, total] = await Promise.all([
    backfillRows(rt.db, { ...filter, limit: f.limit, offset: f.offset ?? 0 }),
    countBackfills(rt.db, filter),
  ]);
  return { items: rows.map(summary), total };
}

/** A backfill id as text (a path, a CLI argument) → its number, or NOT_FOUND naming it. */
function backfillNumber(dagId: string, id: string | number): number {
  const n = typeof id === 'number' ? id : /^\d{1,15}$/.test(id.trim()) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n))
    throw new SluiceError('NOT_FOUND', `DAG "${dagId}" has no backfill "${String(id)}" (a backfill id is a number)`);
  return n;
}

/** One backfill of the DAG with its progress, or NOT_FOUND. */
export async function showBackfill(rt: Runtime, dagId: string, id: string | number): Promise<BackfillSummary> {
  await findDag(rt.db, dagId);
  const n = backfillNumber(dagId, id);
  const row = await backfillById(rt.db, dagId, n);
  if (!row)
    throw new SluiceError('NOT_FOUND', `DAG "${dagId}" has no backfill ${n}; see \`sluice backfill list ${dagId}\``);
  return summary(row);
}

/** A backfill's runs by logical date (a page of them), optionally in one state. */
export async function backfillRuns(
  rt: Runtime,
  b: BackfillSummary,
  f: { readonly state?: string; readonly limit: number; readonly offset?: number },
): Promise<{ items: Array<RunListing & { notStarted: boolean }>; total: number }> {
  const state = checkState('state', f.state, RUN_STATES);
  const filter = { backfillId: b.id, state };
  const [rows, total] = await Promise.all([
    runsOfBackfill(rt.db, { ...filter, limit: f.limit, offset: f.offset ?? 0 }),
    countRunsOfBackfill(rt.db, filter),
  ]);
  return {
    // A run that failed without starting was queued when its backfill was cancelled.
    items: rows.map((r) => ({ ...listing(r), notStarted: r.state === 'failed' && r.start_date === null })),
    total,
  };
}

/**
 * Cancels a backfill (Airflow 3): its runs not yet started never start (they end failed), running
 * ones finish. Safe with any number of schedulers and web servers (one guarded statement). A
 * backfill cancelled already or with nothing left to run is a STATE_CONFLICT.
 */
export async function cancelBackfill(
  rt: Runtime,
  dagId: string,
  id: string | number,
  by?: string,
): Promise<{ backfill: BackfillSummary; notStarted: number }> {
  const before = await showBackfill(rt, dagId, id);
  const notStarted = await cancelBackfillRuns(rt.db, dagId, before.id, by);
  const after = await showBackfill(rt, dagId, before.id);
  if (notStarted === undefined) {
    throw new SluiceError(
      'STATE_CONFLICT',
      after.cancelledAt
        ? `backfill ${after.id} of ${dagId} was cancelled already${after.cancelledBy ? ` by ${after.cancelledBy}` : ''} at ${after.cancelledAt.toISOString()}`
        : `backfill ${after.id} of ${dagId} has no run left to cancel: it is completed`,
    );
  }
  rt.db.notify('runs');
  return { backfill: after, notStarted };
}
