import { SluiceError } from '../errors/errors';
import type { RowCoercer } from '../lake/columns';
import { csvRecordParser, type CsvDialect, type CsvRecord } from '../lake/csv-reader';
import { jsonArrayScanner, lineSplitter, type JsonChunkScanner } from './json-reader';
import { isMalformedRow } from '../lake/malformed';
import type { SourceRow } from '../lake/column-spec';

/**
 * One file's text turned into coerced rows, per format. Rows come out in batches (one per chunk
 * read) so the per-row cost of async iteration is paid once, by the caller.
 */
export interface FileReadContext {
  /** The file as messages show it. */
  readonly name: string;
  readonly text: AsyncIterable<string>;
  readonly coercer: RowCoercer;
  readonly extraColumns: 'ignore' | 'error';
  /** A bad row: throws (fail mode) or hands it to the rejects sink (reject mode). */
  bad(at: string, problem: string, raw: string, line: number): Promise<void>;
}

export interface CsvReadOptions extends CsvDialect {
  readonly header: boolean;
}

type Batches = AsyncGenerator<SourceRow[]>;

/** Runs `scanner` over the text, handing each chunk's complete items to `each`. */
async function* scan<T>(
  ctx: FileReadContext,
  scanner: JsonChunkScanner<T>,
  each: (item: T, out: SourceRow[]) => Promise<void> | void,
): Batches {
  const items: T[] = [];
  const flush = async function* (): Batches {
    const rows: SourceRow[] = [];
    for (const item of items) {
      const pending = each(item, rows); // a promise only for a bad row in reject mode
      if (pending) await pending;
    }
    items.length = 0;
    if (rows.length) yield rows;
  };
  for await (const chunk of ctx.text) {
    scanner.push(chunk, items);
    yield* flush();
  }
  scanner.end(items);
  yield* flush();
}

/** A coercion failure becomes a bad row; anything else is a bug and propagates. */
function coercionFailed(ctx: FileReadContext, e: unknown, at: string, raw: string, line: number): Promise<void> {
  if (!isMalformedRow(e)) throw e;
  return ctx.bad(at, e.problem, raw, line);
}

export async function* csvBatches(ctx: FileReadContext, o: CsvReadOptions): Batches {
  const declared = ctx.coercer.columns.map((c) => c.name);
  let positions: number[] | undefined = o.header ? undefined : declared.map((_, i) => i);
  let width = o.header ? 0 : declared.length;
  const scanner = csvRecordParser(o, ctx.name);
  yield* scan(ctx, scanner, (rec: CsvRecord, out) => {
    if (!positions) {
      if (rec.error)
        throw new SluiceError('INPUT_MALFORMED', `${ctx.name} line ${rec.line}: the header row: ${rec.error}`);
      ({ positions, width } = headerPositions(ctx, rec));
      return;
    }
    const at = `${ctx.name} line ${rec.line}`;
    if (rec.error) return ctx.bad(at, rec.error, rec.raw, rec.line);
    const n = rec.fields.length;
    if (n !== width && (o.header || n < width || ctx.extraColumns === 'error')) {
      return ctx.bad(
        at,
        `expected ${width} fields${o.header ? ' (as in the header)' : ''}, found ${n}`,
        rec.raw,
        rec.line,
      );
    }
    let values: Record<string, unknown>;
    try {
      values = ctx.coercer.fromFields(rec.fields, positions, at);
    } catch (e) {
      return coercionFailed(ctx, e, at, rec.raw, rec.line);
    }
    out.push({ values, at });
  });
  // Without a header the declared columns cannot be checked, so an empty file is not "no rows".
  if (!positions) throw new SluiceError('INPUT_MALFORMED', `${ctx.name}: the file is empty; expected a header row`);
}

/** Where each declared column is in the header; a missing one (or an extra one, if so asked) stops the file. */
function headerPositions(ctx: FileReadContext, rec: CsvRecord): { positions: number[]; width: number } {
  const names = rec.fields.map((f) => (f ?? '').trim());
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (index.has(n) && ctx.coercer.columns.some((c) => c.name === n)) {
      throw new SluiceError(
        'INPUT_MALFORMED',
        `${ctx.name} line ${rec.line}: the header names column ${JSON.stringify(n)} twice`,
      );
    }
    index.set(n, i);
  });
  const declared = ctx.coercer.columns.map((c) => c.name);
  const missing = declared.filter((d) => !index.has(d));
  if (missing.length) {
    throw new SluiceError(
      'INPUT_MALFORMED',
      `${ctx.name}: the header lacks declared column${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')} (it has ${names.map((m) => JSON.stringify(m)).join(', ')})`,
      [{ message: `missing column ${missing.join(', ')}`, file: ctx.name, line: rec.line }],
    );
  }
  const extra = names.filter((n) => !declared.includes(n));
  if (extra.length && ctx.extraColumns === 'error') {
    throw new SluiceError(
      'INPUT_MALFORMED',
      `${ctx.name}: the header has undeclared column${extra.length > 1 ? 's' : ''} ${extra.map((m) => JSON.stringify(m)).join(', ')} (extraColumns: 'error')`,
      [{ message: `undeclared column ${extra.join(', ')}`, file: ctx.name, line: rec.line }],
    );
  }
  return { positions: declared.map((d) => index.get(d)!), width: names.length };
}

/** A parsed JSON record checked for shape; returns the problem when it is not a usable object. */
function parseRecord(
  ctx: FileReadContext,
  text: string,
  declared: ReadonlySet<string>,
): Record<string, unknown> | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `is not valid JSON (${(e as Error).message})`;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return `is ${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`}, not an object`;
  }
  if (ctx.extraColumns === 'error') {
    for (const k in v) if (!declared.has(k)) return `has undeclared field ${JSON.stringify(k)} (extraColumns: 'error')`;
  }
  return v as Record<string, unknown>;
}

export function jsonBatches(ctx: FileReadContext, recordPath: string): Batches {
  const declared = new Set(ctx.coercer.columns.map((c) => c.name));
  return scan(ctx, jsonArrayScanner(recordPath, ctx.name), (r, out) => {
    const at = `${ctx.name} record ${r.index} (line ${r.line})`;
    const rec = parseRecord(ctx, r.text, declared);
    if (typeof rec === 'string') return ctx.bad(at, `the record ${rec}`, r.text, r.line);
    let values: Record<string, unknown>;
    try {
      values = ctx.coercer.fromRecord(rec, at);
    } catch (e) {
      return coercionFailed(ctx, e, at, r.text, r.line);
    }
    out.push({ values, at });
  });
}

export function ndjsonBatches(ctx: FileReadContext): Batches {
  const declared = new Set(ctx.coercer.columns.map((c) => c.name));
  return scan(ctx, lineSplitter(ctx.name), (r, out) => {
    const at = `${ctx.name} line ${r.line}`;
    const rec = parseRecord(ctx, r.text, declared);
    if (typeof rec === 'string') return ctx.bad(at, `the line ${rec}`, r.text, r.line);
    let values: Record<string, unknown>;
    try {
      values = ctx.coercer.fromRecord(rec, at);
    } catch (e) {
      return coercionFailed(ctx, e, at, r.text, r.line);
    }
    out.push({ values, at });
  });
}
