import { SluiceError } from '../errors/errors';

/** A duration as users write it: seconds as a number, or '500ms', '30s', '5m', '2h', '1d'. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(value: Duration | string, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new SluiceError('CONFIG_INVALID', `${what} must be a non-negative number of seconds, got ${value}`);
    return Math.round(value * 1000);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
  if (!m) throw new SluiceError('CONFIG_INVALID', `${what} "${value}" is not a duration (use e.g. 30, "500ms", "30s", "5m", "2h", "1d")`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}
