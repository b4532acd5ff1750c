import Table from 'cli-table3';
import { formatIssue } from '../errors/errors';
import type { ImportErrorListing } from '../actions/list-dags';

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
