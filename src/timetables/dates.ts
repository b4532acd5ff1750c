import { DateTime } from 'luxon';
import { SluiceError } from '../errors/errors';

export function assertTimezone(tz: string): void {
  if (!DateTime.local().setZone(tz).isValid)
    throw new SluiceError(
      'SCHEDULE_INVALID',
      `unknown timezone "${tz}" (use an IANA name such as "UTC" or "Europe/Amsterdam")`,
    );
}

/** A date as users write it ('2026-01-01', '2026-01-01T06:00', ISO with offset) read in `tz`. */
export function parseDate(value: string | Date, tz: string, what = 'date'): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new SluiceError('SCHEDULE_INVALID', `${what} is an invalid Date`);
    return value;
  }
  const dt = DateTime.fromISO(String(value), { zone: tz });
  if (!dt.isValid)
    throw new SluiceError('SCHEDULE_INVALID', `${what} "${value}" is not a date (use YYYY-MM-DD or an ISO date-time)`);
  return dt.toJSDate();
}

/** 'YYYY-MM-DD' of an instant in a timezone (Airflow's `ds`, but in the DAG's zone rather than UTC). */
export function formatDs(d: Date, tz: string): string {
  return DateTime.fromJSDate(d, { zone: tz }).toFormat('yyyy-MM-dd');
}

export function formatIso(d: Date, tz = 'UTC'): string {
  return DateTime.fromJSDate(d, { zone: tz }).toISO({ suppressMilliseconds: true }) ?? d.toISOString();
}
