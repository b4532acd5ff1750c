import { SluiceError } from '../errors/errors';
import { checkColumns } from '../lake/columns';
import { BATCH_CHARS, countedOutput, type ObjectOutput } from './object-output';
import type { ColumnSpec, ColumnType, SourceRow } from '../lake/column-spec';

export type { ObjectOutput, WrittenObject } from './object-output';

/**
 * The lake's file format: CSV that `COPY t FROM STDIN WITH (FORMAT csv, HEADER true)` loads as is
 * and any tool reads. UTF-8, a header of the column names, ',' between fields, LF after each row,
 * '"' around a field only when it holds ',', '"', CR or LF (doubled inside), or is empty. NULL is an
 * unquoted empty field and '' is `""`, which is exactly how COPY CSV tells them apart. Values are
 * expected in columns.ts's canonical form (booleans true/false, dates YYYY-MM-DD, timestamps ISO 8601
 * with offset for timestamptz, numbers as exact decimal text, jsonb as JSON text); Date, number and
 * object values are printed sensibly too, for rows that did not go through columns.ts.
 */

type Format = (v: unknown) => string;

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTES = /"/g;

/** One CSV field for a text value: quoted when it must be, and `""` for the empty string. */
export function csvText(s: string): string {
  if (s === '') return '""';
  // `\.` alone on a line is COPY's end-of-data marker, so a one-column row holding it must be quoted.
  if (NEEDS_QUOTES.test(s) || s === '\\.') return `"${s.replace(QUOTES, '""')}"`;
  return s;
}

const asText: Format = (v) => (typeof v === 'string' ? csvText(v) : csvText(String(v)));

const asNumber: Format = (v) => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : asText(v));

const asBoolean: Format = (v) => (v === true ? 'true' : v === false ? 'false' : asText(v));

const asDate: Format = (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : asText(v));

const asTimestamp: Format = (v) => (v instanceof Date ? v.toISOString().slice(0, -1) : asText(v));

const asTimestamptz: Format = (v) => (v instanceof Date ? v.toISOString() : asText(v));

// Canonical jsonb values are JSON text already; anything else is serialized here.
const asJson: Format = (v) => csvText(typeof v === 'string' ? v : JSON.stringify(v));

const FORMATS: Record<ColumnType, Format> = {
  text: asText,
  integer: asNumber,
  bigint: asNumber,
  numeric: asNumber,
  double: asNumber,
  boolean: asBoolean,
  date: asDate,
  timestamp: asTimestamp,
  timestamptz: asTimestamptz,
  jsonb: asJson,
};

/** The header line (with its newline). */
export function csvHeader(columns: readonly ColumnSpec[]): string {
  return `${columns.map((c) => csvText(c.name)).join(',')}\n`;
}

/** A row formatter for `columns`, compiled once: values → one CSV line with its newline. */
export function csvRowFormatter(columns: readonly ColumnSpec[]): (values: Readonly<Record<string, unknown>>) => string {
  const names = columns.map((c) => c.name);
  const formats = columns.map((c) => FORMATS[c.type]);
  const n = names.length;
  return (values) => {
    let line = '';
    for (let i = 0; i < n; i++) {
      const v = values[names[i]];
      if (i > 0) line += ',';
      if (v !== null && v !== undefined) line += formats[i](v);
    }
    return `${line}\n`;
  };
}

/**
 * Streams `rows` as a lake CSV object. Rows are pulled only as the stream is read, so memory stays
 * flat whatever the size; `done` gives the row count, byte size and SHA-256 once the stream ends.
 */
export function csvObject(
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
  columns: readonly ColumnSpec[],
): ObjectOutput {
  checkColumns(columns);
  const format = csvRowFormatter(columns);
  let count = 0;
  async function* texts(): AsyncGenerator<string> {
    let batch = csvHeader(columns);
    for await (const row of rows) {
      try {
        batch += format(row.values);
      } catch (e) {
        throw new SluiceError('INPUT_MALFORMED', `${row.at}: cannot be written as CSV: ${(e as Error).message}`);
      }
      count++;
      if (batch.length >= BATCH_CHARS) {
        yield batch;
        batch = '';
      }
    }
    if (batch !== '') yield batch;
  }
  return countedOutput(texts(), () => count);
}
