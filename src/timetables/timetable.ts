import { Cron } from 'croner';
import { SluiceError } from '../errors/errors';
import { assertTimezone } from './dates';
import { describeValue } from '../errors/describe-value';

export const PRESETS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** When a DAG fires. Fire times are instants; cron fields are read in the DAG's timezone. */
export type Timetable =
  | { readonly kind: 'manual' }
  | { readonly kind: 'once' }
  | { readonly kind: 'cron'; readonly expression: string; readonly timezone: string; readonly cron: Cron };

export function parseSchedule(schedule: string | null, timezone: string): Timetable {
  assertTimezone(timezone);
  if (schedule === null) return { kind: 'manual' };
  if (typeof schedule !== 'string')
    throw new SluiceError(
      'SCHEDULE_INVALID',
      `schedule must be a cron string, a preset or null, got ${describeValue(schedule)}`,
    );
  const trimmed = schedule.trim();
  if (trimmed === '@once') return { kind: 'once' };
  const expression = PRESETS[trimmed] ?? trimmed;
  if (expression.startsWith('@')) {
    throw new SluiceError(
      'SCHEDULE_INVALID',
      `unknown schedule preset "${schedule}" (known: ${[...Object.keys(PRESETS), '@once'].join(', ')})`,
    );
  }
  if (expression.split(/\s+/).length !== 5) {
    throw new SluiceError(
      'SCHEDULE_INVALID',
      `invalid cron "${schedule}": expected 5 fields (minute hour day-of-month month day-of-week)`,
    );
  }
  try {
    const cron = new Cron(expression, { timezone, paused: true, mode: '5-part' });
    return { kind: 'cron', expression, timezone, cron };
  } catch (e) {
    throw new SluiceError(
      'SCHEDULE_INVALID',
      `invalid cron "${schedule}": ${(e as Error).message.replace(/^CronPattern: /, '')}`,
    );
  }
}

/** First fire time strictly after `d`. */
export function fireAfter(t: Timetable, d: Date): Date | null {
  if (t.kind !== 'cron') return null;
  return t.cron.nextRun(d);
}

/** First fire time at or after `d`. */
export function fireAtOrAfter(t: Timetable, d: Date): Date | null {
  return fireAfter(t, new Date(d.getTime() - 1));
}

/** Latest fire time at or before `d`. */
export function fireAtOrBefore(t: Timetable, d: Date): Date | null {
  if (t.kind !== 'cron') return null;
  return t.cron.previousRuns(1, new Date(d.getTime() + 1))[0] ?? null;
}
