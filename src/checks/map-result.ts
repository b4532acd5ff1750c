/**
 * Judging a map expectation from its counts, as GX does: success when nothing is unexpected, or when
 * the expected share of the considered rows reaches `mostly`; vacuously true with nothing to consider.
 * The summary states the counts, the share, `mostly` and how nulls were treated.
 */
import type { MapPlan, Read } from './expectation';
import { num } from './types/kwargs';

export interface MapCounts {
  readonly elementCount: number;
  /** For uniqueness, a lower bound until the failing rows are counted. */
  readonly unexpectedCount: number;
  readonly nullCount: number;
}

export function readMapCounts(plan: MapPlan, read: Read): MapCounts {
  return {
    elementCount: num(read(plan.elementCount)) ?? 0,
    unexpectedCount: num(read(plan.unexpectedCount)) ?? 0,
    nullCount: num(read(plan.nullCount)) ?? 0,
  };
}

export function mapSuccess(plan: MapPlan, c: MapCounts): boolean {
  if (c.elementCount === 0 || c.unexpectedCount === 0) return true;
  if (plan.mostly === undefined) return false;
  return (c.elementCount - c.unexpectedCount) / c.elementCount >= plan.mostly;
}

/** Whether the sample query must run: the expectation failed, or its exact count is still unknown. */
export function needsFailingRows(plan: MapPlan, c: MapCounts): boolean {
  return !mapSuccess(plan, c) || (!!plan.unexpectedIsLowerBound && c.unexpectedCount > 0);
}

const n = (x: number) => x.toLocaleString('en-US');

export function percentOf(part: number, whole: number): number {
  return whole ? Number(((part / whole) * 100).toPrecision(3)) : 0;
}

export function mapSummary(plan: MapPlan, c: MapCounts, success: boolean): string {
  const nulls = plan.nulls(c.nullCount);
  if (c.elementCount === 0) return `no ${plan.unit} to check: passes (${nulls})`;
  if (c.unexpectedCount === 0) return `all ${n(c.elementCount)} ${plan.unit} pass; ${nulls}`;
  const head = `${n(c.unexpectedCount)} of ${n(c.elementCount)} ${plan.unit} (${percentOf(c.unexpectedCount, c.elementCount)} %) ${plan.fails}`;
  const mostly =
    plan.mostly === undefined
      ? ''
      : `; mostly ${plan.mostly}: ${percentOf(c.elementCount - c.unexpectedCount, c.elementCount)} % are as expected, so it ${success ? 'passes' : 'fails'}`;
  return `${head}${mostly}; ${nulls}`;
}
