/**
 * An expectation's result in a line of text, the same wherever a failure is shown (`dags test`,
 * `tasks test`, the scheduler's log, `sluice expectations validate`).
 */

/** A value as JSON, cut at `max` characters; `—` for none. */
export function showValue(v: unknown, max = 120): string {
  if (v === undefined) return '—';
  const text = JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The observed value with its unit: a map expectation's is the share of unexpected values, shown as
 * `4.04 %; 4 unexpected of 99`; custom SQL's is a count of rows (`3; 3 unexpected`); any other as it is.
 */
export function observedText(
  r: { readonly observed: unknown; readonly unexpectedCount?: number; readonly elementCount?: number },
  max?: number,
): string {
  if (r.unexpectedCount === undefined) return showValue(r.observed, max);
  if (r.elementCount === undefined) return `${showValue(r.observed, max)}; ${r.unexpectedCount} unexpected`;
  return `${showValue(r.observed, max)} %; ${r.unexpectedCount} unexpected of ${r.elementCount}`;
}

/**
 * A few distinct failing values from a result's sample rows: the checked column's value when the
 * expectation is about one column, else the whole row. Twenty rows of "returned" say less than
 * "returned", "lost" and null, so repeats are shown once.
 */
export function sampleValues(
  sample: ReadonlyArray<Readonly<Record<string, unknown>>>,
  kwargs: Readonly<Record<string, unknown>>,
  limit = 5,
): unknown[] {
  const column = typeof kwargs.column === 'string' ? kwargs.column : undefined;
  const seen = new Map<string, unknown>();
  for (const row of sample) {
    const value = column !== undefined && column in row ? row[column] : row;
    const key = JSON.stringify(value) ?? 'undefined';
    if (!seen.has(key)) seen.set(key, value);
    if (seen.size === limit) break;
  }
  return [...seen.values()];
}

/** The column (or columns, comma-separated) an expectation is about, from its kwargs. */
export function columnOf(k: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof k.column === 'string') return k.column;
  const list = [k.column_list, k.columns, k.column_set].find(Array.isArray) as unknown[] | undefined;
  if (list) return list.join(', ');
  const pair = [k.column_A, k.column_B].filter((c) => typeof c === 'string');
  return pair.length ? pair.join(', ') : undefined;
}
