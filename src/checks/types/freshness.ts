/**
 * Freshness: the newest timestamp is recent enough. "Recent" is measured from the run's data
 * interval end (a backfill of March judges March's data), or from now() without a run.
 */
import { durationMs } from '../../config/duration';
import { quoteLiteral } from '../../db/quote';
import type { ExpectationType, KwargProblem, MetricPlan } from '../expectation';
import { columnName, kwargsSchema, num } from './kwargs';

/** A zero age can never pass; ten years is the longest age that is not a unit slip. */
const MAX_AGE = { min: 1000, max: 3650 * 86_400_000 };

function maxAgeMs(v: unknown): number {
  return durationMs(v, 'max_age', MAX_AGE);
}

function fmtAge(sec: number): string {
  const abs = Math.abs(sec);
  const text =
    abs >= 86400
      ? `${(abs / 86400).toFixed(1)} d`
      : abs >= 3600
        ? `${(abs / 3600).toFixed(1)} h`
        : abs >= 60
          ? `${(abs / 60).toFixed(1)} min`
          : `${abs.toFixed(0)} s`;
  return sec < 0 ? `${text} after` : `${text} before`;
}

export const FRESHNESS_TYPES: readonly ExpectationType[] = [
  {
    name: 'expect_column_max_to_be_within',
    group: 'Freshness',
    description:
      'The newest value (a date or timestamp) is at most max_age ("26h", "90m", "2d", or seconds) before the run\'s data interval end, or before now() outside a run. Not a GX core name.',
    kwargs: kwargsSchema({ column: columnName, max_age: { type: ['string', 'number'] } }, ['column', 'max_age']),
    check(k): KwargProblem[] {
      try {
        maxAgeMs(k.max_age);
        return [];
      } catch (e) {
        return [{ path: 'max_age', message: (e as Error).message }];
      }
    },
    refs: (k) => [{ kind: 'column', path: 'column', column: k.column, need: 'datetime' }],
    onEmpty: 'fails: no newest value',
    plan(k, p): MetricPlan {
      const end = p.context.dataIntervalEnd;
      const ref = end ? `${quoteLiteral(end.toISOString())}::timestamptz` : 'now()';
      const newest = `max(${p.col(k.column)})`;
      const value = p.agg(`${newest}::text`);
      const age = p.agg(`extract(epoch FROM ${ref} - ${newest}::timestamptz)::float8`);
      const limitSec = maxAgeMs(k.max_age) / 1000;
      const against = end ? `the data interval end ${end.toISOString()}` : 'now';
      return {
        kind: 'metric',
        evaluate(read) {
          const newestText = read(value) as string | null;
          const sec = num(read(age));
          if (newestText === null || sec === null)
            return { success: false, observed: null, summary: `no values in ${k.column}: nothing is fresh` };
          const success = sec <= limitSec;
          return {
            success,
            observed: newestText,
            summary: `newest ${k.column} is ${newestText}, ${fmtAge(sec)} ${against}; ${success ? 'within' : 'older than'} ${k.max_age}`,
          };
        },
      };
    },
  },
];
