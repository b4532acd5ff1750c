import { quoteLiteral } from '../db/quote';

// The first key of the two-int advisory lock: what is decided per DAG under it.
const PURPOSE = { runs: 0x51c3_0101, tasks: 0x51c3_0102 } as const;

/**
 * A statement that serialises one kind of per-DAG decision until the end of the transaction.
 * `max_active_runs` and `max_active_tasks` count and pick in one snapshot; without this lock two
 * schedulers (or two completions) each see the other's slot as free and together exceed the limit.
 * A lock is always the last one a transaction takes (after any run row lock), so none can deadlock.
 */
export function lockDagSql(dagId: string, purpose: keyof typeof PURPOSE): string {
  return `SELECT pg_advisory_xact_lock(${PURPOSE[purpose]}, hashtext(${quoteLiteral(dagId)}))`;
}
