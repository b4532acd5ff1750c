import Table from 'cli-table3';
import { formatIssue, SluiceError } from '../errors/errors';
import type { ImportErrorListing } from '../actions/list-dags';
import type { QueryRows } from '../actions/read-only-query';

/** A borderless table, columns padded (what `airflow dags list` prints). */
export function table(head: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const t = new Table({
    head,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '',
    },
  });
  for (const r of rows) t.push(r.map((c) => (c === null || c === undefined ? '' : String(c))));
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

export function importErrorLines(errors: readonly ImportErrorListing[]): string {
  return errors
    .map((e) =>
      formatIssue({ file: e.file, line: e.line ?? undefined, column: e.column ?? undefined, message: e.message }),
    )
    .join('\n');
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return v < 1000 ? `${Math.round(v)}ms` : `${(v / 1000).toFixed(2)}s`;
}

export type RowsFormat = 'table' | 'json' | 'csv';

/** `--json` / `--csv` of the commands that print query rows (`sql`, `models show`); a table otherwise. */
export function rowsFormat(o: { json?: boolean; csv?: boolean }): RowsFormat {
  if (o.json && o.csv) throw new SluiceError('USAGE', 'choose one of --json and --csv');
  return o.json ? 'json' : o.csv ? 'csv' : 'table';
}

/** `--limit <n>`: a whole number of rows, 0 or more. */
export function rowLimit(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n))
    throw new SluiceError('USAGE', `--limit must be a whole number >= 0, got "${v}"`);
  return n;
}

/**
 * Query rows as a table (NULL empty, `(n rows)` below, as psql), JSON (an array of objects; SQL
 * NULL is null, booleans, integers, floats and json are typed, numeric and everything else stays
 * Postgres's text) or CSV (a header line; RFC 4180 quoting; NULL empty, an empty string `""`, as
 * Postgres's COPY … CSV writes them).
 */
function formatRows(result: QueryRows, format: RowsFormat): string {
  const names = result.columns.map((c) => c.name);
  if (format === 'json')
    return json(
      result.rows.map((r) => Object.fromEntries(r.map((v, i) => [names[i], jsonValue(v, result.columns[i].typeId)]))),
    );
  if (format === 'csv')
    return [names.map(csvField), ...result.rows.map((r) => r.map(csvField))].map((l) => l.join(',')).join('\n');
  const count = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`;
  return names.length
    ? `${table(
        names,
        result.rows.map((r) => [...r]),
      )}\n${count}`
    : count;
}

/** The rows on stdout; that the limit cut some on stderr, so JSON and CSV stay clean. */
export function printRows(result: QueryRows, format: RowsFormat, limit: number | undefined): void {
  console.log(formatRows(result, format));
  if (result.truncated) console.error(`(the first ${limit} row${limit === 1 ? '' : 's'}; --limit <n> shows more)`);
}

const BOOL = 16;
const INTEGERS = new Set([20, 21, 23, 26]); // int8, int2, int4, oid
const FLOATS = new Set([700, 701]);
const JSON_TYPES = new Set([114, 3802]);

function jsonValue(text: string | null, typeId: number): unknown {
  if (text === null) return null;
  if (typeId === BOOL) return text === 't';
  if (INTEGERS.has(typeId)) return Number.isSafeInteger(Number(text)) ? Number(text) : text;
  if (FLOATS.has(typeId)) return Number.isFinite(Number(text)) ? Number(text) : text;
  if (JSON_TYPES.has(typeId)) return JSON.parse(text) as unknown;
  return text;
}

function csvField(v: string | null): string {
  if (v === null) return '';
  return v === '' || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
