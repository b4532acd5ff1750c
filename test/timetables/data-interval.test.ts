import { intervalsBetween, manualInterval, nextDueInterval } from '../../src/timetables/data-interval';
import { fireAfter, parseSchedule } from '../../src/timetables/timetable';
import { parseDate, formatDs } from '../../src/timetables/dates';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const bounds = (start: string, tz = 'UTC', catchup = true, end?: string) => ({
  startDate: parseDate(start, tz),
  endDate: end ? parseDate(end, tz) : undefined,
  catchup,
});

describe('schedules', () => {
  test('presets expand to cron', () => {
    const daily = parseSchedule('@daily', 'UTC');
    expect(iso(fireAfter(daily, new Date('2026-03-01T10:00:00Z')))).toBe('2026-03-02T00:00:00.000Z');
    const hourly = parseSchedule('@hourly', 'UTC');
    expect(iso(fireAfter(hourly, new Date('2026-03-01T10:00:00Z')))).toBe('2026-03-01T11:00:00.000Z');
    const weekly = parseSchedule('@weekly', 'UTC'); // Sunday midnight
    expect(iso(fireAfter(weekly, new Date('2026-03-04T00:00:00Z')))).toBe('2026-03-08T00:00:00.000Z');
    expect(parseSchedule(null, 'UTC').kind).toBe('manual');
    expect(parseSchedule('@once', 'UTC').kind).toBe('once');
  });

  test('invalid crons, presets and timezones are rejected with the reason', () => {
    expect(() => parseSchedule('61 * * * *', 'UTC')).toThrow(/invalid cron "61 \* \* \* \*".*minute/);
    expect(() => parseSchedule('* * *', 'UTC')).toThrow(/expected 5 fields/);
    expect(() => parseSchedule('@fortnightly', 'UTC')).toThrow(/unknown schedule preset/);
    expect(() => parseSchedule('@daily', 'Mars/Olympus')).toThrow(/unknown timezone/);
  });

  test('cron fields are read in the DAG timezone', () => {
    const t = parseSchedule('0 6 * * *', 'Europe/Amsterdam');
    // 06:00 CET = 05:00 UTC in winter
    expect(iso(fireAfter(t, new Date('2026-01-10T00:00:00Z')))).toBe('2026-01-10T05:00:00.000Z');
    // 06:00 CEST = 04:00 UTC in summer
    expect(iso(fireAfter(t, new Date('2026-07-10T00:00:00Z')))).toBe('2026-07-10T04:00:00.000Z');
  });

  test('daily intervals across the spring-forward DST day are 23 hours, then 24 again', () => {
    const t = parseSchedule('@daily', 'Europe/Amsterdam');
    const list = intervalsBetween(
      t,
      parseDate('2026-03-28', 'Europe/Amsterdam'),
      parseDate('2026-03-30', 'Europe/Amsterdam'),
    );
    expect(list.map((i) => [iso(i.start), (i.end.getTime() - i.start.getTime()) / 3_600_000])).toEqual([
      ['2026-03-27T23:00:00.000Z', 24],
      ['2026-03-28T23:00:00.000Z', 23],
      ['2026-03-29T22:00:00.000Z', 24],
    ]);
    expect(list.map((i) => formatDs(i.start, 'Europe/Amsterdam'))).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
  });

  test('a nonexistent local time on the DST day fires once, at the first valid instant', () => {
    const t = parseSchedule('30 2 * * *', 'America/New_York');
    const list = intervalsBetween(
      t,
      parseDate('2026-03-07', 'America/New_York'),
      parseDate('2026-03-09T03:00', 'America/New_York'),
    );
    expect(list.map((i) => iso(i.start))).toEqual([
      '2026-03-07T07:30:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
  });

  test('hourly intervals on the fall-back day cover the repeated hour', () => {
    const t = parseSchedule('@hourly', 'Europe/Amsterdam');
    const list = intervalsBetween(t, new Date('2026-10-25T00:00:00Z'), new Date('2026-10-25T02:00:00Z'));
    expect(list.map((i) => iso(i.start))).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
  });
});

describe('due intervals (Airflow data intervals)', () => {
  const daily = parseSchedule('@daily', 'UTC');
  const now = new Date('2026-01-05T12:00:00Z');

  test('the first run covers [start, next fire) and is due once that interval has ended', () => {
    const i = nextDueInterval(daily, bounds('2026-01-01'), undefined, false, now)!;
    expect([iso(i.start), iso(i.end)]).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
    expect(nextDueInterval(daily, bounds('2026-01-05'), undefined, false, now)).toBeNull();
  });

  test('catchup walks every missed interval in order', () => {
    const seen: string[] = [];
    let last: Date | undefined;
    for (;;) {
      const i = nextDueInterval(daily, bounds('2026-01-01'), last, seen.length > 0, now);
      if (!i) break;
      seen.push(formatDs(i.start, 'UTC'));
      last = i.end;
    }
    expect(seen).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
  });

  test('catchup off schedules only the latest complete interval', () => {
    const i = nextDueInterval(daily, bounds('2026-01-01', 'UTC', false), undefined, false, now)!;
    expect(iso(i.start)).toBe('2026-01-04T00:00:00.000Z');
    expect(nextDueInterval(daily, bounds('2026-01-01', 'UTC', false), i.end, true, now)).toBeNull();
  });

  test('no interval starts after the end date', () => {
    const b = bounds('2026-01-01', 'UTC', true, '2026-01-02');
    expect(iso(nextDueInterval(daily, b, new Date('2026-01-02T00:00:00Z'), true, now)!.start)).toBe(
      '2026-01-02T00:00:00.000Z',
    );
    expect(nextDueInterval(daily, b, new Date('2026-01-03T00:00:00Z'), true, now)).toBeNull();
  });

  test('a start date between fire times aligns to the next fire', () => {
    const i = nextDueInterval(daily, bounds('2026-01-01T08:00'), undefined, false, now)!;
    expect(iso(i.start)).toBe('2026-01-02T00:00:00.000Z');
  });

  test('@once runs once at the start date; manual-only never', () => {
    const once = parseSchedule('@once', 'UTC');
    expect(iso(nextDueInterval(once, bounds('2026-01-01'), undefined, false, now)!.start)).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(nextDueInterval(once, bounds('2026-01-01'), undefined, true, now)).toBeNull();
    expect(nextDueInterval(parseSchedule(null, 'UTC'), bounds('2026-01-01'), undefined, false, now)).toBeNull();
  });

  test('manual runs get the interval containing the given date, or the latest complete one', () => {
    const at = manualInterval(daily, new Date('2026-01-03T15:00:00Z'), now);
    expect([iso(at.start), iso(at.end)]).toEqual(['2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z']);
    const latest = manualInterval(daily, undefined, now);
    expect([iso(latest.start), iso(latest.end)]).toEqual(['2026-01-04T00:00:00.000Z', '2026-01-05T00:00:00.000Z']);
  });
});
