import { SluiceError } from '../errors/errors';
import { describeValue } from '../errors/describe-value';

/** A duration as users write it: seconds (30 or '30'), or '500ms', '30s', '5m', '2h', '1d'. */
export type Duration = number | `${number}` | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

/** Allowed values in milliseconds, both ends included. */
export interface DurationRange {
  readonly min: number;
  readonly max: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DAY = UNIT_MS.d;

/**
 * The longest delay Node.js timers take (2^31-1 ms, 24.8 days), rounded down: a longer
 * setTimeout fires after 1 ms, so a 30-day timeout would kill a task at once.
 */
export const MAX_TIMER_MS = 24 * DAY;

/** Any non-negative duration a timer can wait. */
export const ANY_DURATION: DurationRange = { min: 0, max: MAX_TIMER_MS };

const FORMS = 'seconds (30 or "30") or a number with a unit ("500ms", "30s", "5m", "2h", "1d")';

/**
 * The one duration parser, for every setting and option (env settings, retryDelay,
 * executionTimeout, sensor intervals, freshness ages). `what` names the setting in errors, which
 * give the allowed range; a value must be positive wherever the range's min is above zero.
 */
export function durationMs(value: unknown, what = 'duration', range: DurationRange = ANY_DURATION): number {
  const ms = parse(value);
  if (ms === undefined)
    throw new SluiceError('CONFIG_INVALID', `${what} must be a duration: ${FORMS}; got ${describeValue(value)}`);
  if (ms < range.min || ms > range.max) {
    const zero = ms === 0 && range.min > 0 ? 'more than zero, ' : '';
    throw new SluiceError(
      'CONFIG_INVALID',
      `${what} must be ${zero}between ${formatDuration(range.min)} and ${formatDuration(range.max)}; got ${shown(value)}`,
    );
  }
  return ms;
}

function parse(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!m) return undefined;
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']);
  return Number.isFinite(ms) ? ms : undefined;
}

function shown(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : typeof value === 'number'
      ? `${value} (seconds)`
      : describeValue(value);
}

/** 90000 → '90s', 3600000 → '1h': the largest unit that divides the value. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's'] as const) if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${ms}ms`;
}
