import pg from 'pg';

/**
 * Value parsing for one source connection (never the global pg registry, which the rest of Sluice
 * tunes differently): dates and timestamps stay text (ISO 8601) so microseconds and time zones are
 * not squeezed through a JS Date; int8 and numeric stay text so no digits are lost; json is parsed.
 */
const OID = {
  int8: 20,
  json: 114,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

const identity = (v: string) => v;

const PARSERS: Record<number, (v: string) => unknown> = {
  [OID.int8]: identity,
  [OID.numeric]: identity,
  [OID.date]: identity, // with DateStyle ISO, already YYYY-MM-DD
  [OID.timestamp]: isoTimestamp,
  [OID.timestamptz]: isoTimestamp,
  [OID.json]: (v) => JSON.parse(v),
  [OID.jsonb]: (v) => JSON.parse(v),
};

export const sourceTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && PARSERS[oid]
      ? PARSERS[oid]
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** The session settings the parsers rely on: ISO output (field order for input left alone), and no writes. */
export const SESSION_SETUP = 'SET DateStyle = ISO; SET default_transaction_read_only = on';

/**
 * Postgres's ISO output (`2026-01-02 03:04:05.123456+05:30`) as ISO 8601 (`2026-01-02T03:04:05.123456+05:30`):
 * `T` separator, `+00` as `Z`, `+05` as `+05:00`. Infinity and BC values are returned as printed.
 */
export function isoTimestamp(text: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}(?::\d{2}){0,2})?$/.exec(text);
  if (!m) return text;
  const [, date, time, offset] = m;
  if (offset === undefined) return `${date}T${time}`;
  if (/^[+-]00(:00){0,2}$/.test(offset)) return `${date}T${time}Z`;
  return `${date}T${time}${offset.length === 3 ? `${offset}:00` : offset}`;
}
