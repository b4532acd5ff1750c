/**
 * Validation of ISO 8601 dates and timestamps as text, without Date objects: they would drop
 * microseconds and shift zone-less times into the machine's zone.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Date, 'T' or space, HH:MM[:SS[.fraction]], optional offset Z / ±HH / ±HHMM / ±HH:MM.
const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

function validDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (month === 2) return day <= ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28);
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/** Two ASCII digits at i as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48,
    b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY-MM-DD` at the start of s: 1 if a real date, 0 if shaped like one but not real, -1 if not shaped. */
function leadingDate(s: string): number {
  const hi = two(s, 0),
    lo = two(s, 2),
    mo = two(s, 5),
    d = two(s, 8);
  if (hi < 0 || lo < 0 || mo < 0 || d < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return -1;
  return validDay(hi * 100 + lo, mo, d) ? 1 : 0;
}

/** undefined for a real calendar date `YYYY-MM-DD`, else the problem. */
export function dateProblem(s: string): string | undefined {
  const r = s.length === 10 ? leadingDate(s) : -1;
  if (r === 1) return undefined;
  return r === 0 || DATE_RE.test(s) ? 'is not a valid date' : 'is not a date (YYYY-MM-DD)';
}

export interface ParsedTimestamp {
  /** `YYYY-MM-DDTHH:MM:SS[.fraction]` */
  readonly local: string;
  /** 'Z', '±HH:MM', or '' when the text had no offset. */
  readonly offset: string;
  /** The input was already `local + offset` (the common case: no string is rebuilt). */
  readonly canonical: boolean;
}

/** A timestamp in canonical form, or the problem as text. */
export function parseTimestamp(s: string): ParsedTimestamp | string {
  return canonicalTimestamp(s) ?? parseAnyTimestamp(s);
}

/**
 * The common case without a regex: `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`, valid. Anything
 * else (other shapes, invalid values) is left to the regex path, which also words the problem.
 */
function canonicalTimestamp(s: string): ParsedTimestamp | undefined {
  const len = s.length;
  if (len < 19 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || leadingDate(s) !== 1)
    return undefined;
  const h = two(s, 11),
    mi = two(s, 14),
    sec = two(s, 17);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  let i = 19;
  if (i < len && s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < len && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === start || i - start > 9) return undefined;
  }
  if (i === len) return { local: s, offset: '', canonical: true };
  const c = s.charCodeAt(i);
  if (c === 90 && i + 1 === len) return { local: s.slice(0, i), offset: 'Z', canonical: true };
  if ((c === 43 || c === 45) && i + 6 === len && s.charCodeAt(i + 3) === 58) {
    const oh = two(s, i + 1),
      om = two(s, i + 4);
    if (oh >= 0 && oh <= 15 && om >= 0 && om <= 59)
      return { local: s.slice(0, i), offset: s.slice(i), canonical: true };
  }
  return undefined;
}

function parseAnyTimestamp(s: string): ParsedTimestamp | string {
  const m = TIMESTAMP_RE.exec(s);
  if (!m) return 'is not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM])';
  const [, y, mo, d, h, mi, sec, frac, zulu, sign, oh, om] = m;
  if (!validDay(+y, +mo, +d)) return 'is not a valid date';
  if (+h > 23 || +mi > 59 || (sec !== undefined && +sec > 59)) return 'is not a valid time of day';
  if (sign !== undefined && (+oh > 15 || (om !== undefined && +om > 59))) return 'has an invalid UTC offset';
  const offset = zulu !== undefined ? 'Z' : sign !== undefined ? `${sign}${oh}:${om ?? '00'}` : '';
  const canonical =
    s.charCodeAt(10) === 84 /* T */ &&
    sec !== undefined &&
    zulu !== 'z' &&
    (sign === undefined || (s.length === 19 + (frac?.length ?? 0) + 6 && s.charCodeAt(s.length - 3) === 58)); /* : */
  if (canonical) return { local: offset === '' ? s : s.slice(0, s.length - offset.length), offset, canonical };
  const local = `${y}-${mo}-${d}T${h}:${mi}:${sec ?? '00'}${frac ?? ''}`;
  return { local, offset, canonical };
}
