import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { glob, isDynamicPattern } from 'tinyglobby';
import { isSluiceError, SluiceError } from '../errors/errors';
import { compileRow, type RowCoercer } from '../lake/columns';
import { checkDialect } from '../lake/csv-reader';
import { csvBatches, jsonBatches, ndjsonBatches, type FileReadContext } from './file-records';
import { MalformedRowError } from '../lake/malformed';
import { strictUtf8 } from '../lake/strict-utf8';
import type { RejectSink } from './rejects';
import type { ColumnSpec, SourceRow, SourceSummary } from '../lake/column-spec';

/**
 * Rows from local files: one path or a glob (files read one after another in sorted order), CSV,
 * a JSON array (top level or at `recordPath`) or NDJSON, each optionally gzipped (`.gz`). Files are
 * streamed, so memory stays flat whatever their size. Values are coerced to the declared columns
 * (columns.ts); a bad row stops the read (`onMalformed: 'fail'`, the default) or is handed to
 * `onReject` and counted (`'reject'`). Problems with a whole file (no such file, a header missing
 * a declared column, JSON without the records array) always stop the read.
 */
export type FileFormat = 'csv' | 'json' | 'ndjson';

export interface FileSourceOptions {
  /** A file path or a glob (`landing/orders/*.csv.gz`), relative to `cwd`. */
  readonly path: string;
  /** Default: the process's working directory. File names in messages are relative to it. */
  readonly cwd?: string;
  /** Default: from the extension (.csv/.tsv, .json, .ndjson/.jsonl, each with optional .gz). */
  readonly format?: FileFormat;
  readonly columns: readonly ColumnSpec[];
  /** CSV: the first row names the columns (default true); false maps fields by position in `columns` order. */
  readonly header?: boolean;
  /** CSV: default ',' (a tab for .tsv). */
  readonly delimiter?: string;
  /** CSV: default '"'. */
  readonly quote?: string;
  /** Columns (CSV header, JSON keys, trailing CSV fields without header) not declared: ignored (default) or an error. */
  readonly extraColumns?: 'ignore' | 'error';
  /** JSON: dotted path to the records array ('data.items'); '' (default) for a top-level array. */
  readonly recordPath?: string;
  readonly onMalformed?: 'fail' | 'reject';
  /** Required with `onMalformed: 'reject'`. */
  readonly onReject?: RejectSink;
  /** A timestamptz value without an offset: an error (default) or UTC. */
  readonly timestamptzWithoutOffset?: 'error' | 'utc';
}

export interface FileSourceStats {
  /** Files opened so far. */
  readonly files: number;
  readonly rows: number;
  readonly rejected: number;
}

export interface FileSource extends AsyncIterable<SourceRow> {
  /** Counters of the latest (or current) iteration. */
  stats(): FileSourceStats;
  summary(): SourceSummary;
}

const READ_CHUNK = 256 * 1024;

export function fileSource(options: FileSourceOptions): FileSource {
  const onMalformed = options.onMalformed ?? 'fail';
  if (onMalformed !== 'fail' && onMalformed !== 'reject')
    throw new SluiceError('USAGE', `onMalformed must be 'fail' or 'reject', not ${JSON.stringify(onMalformed)}`);
  if (onMalformed === 'reject' && !options.onReject)
    throw new SluiceError('USAGE', "onMalformed: 'reject' needs an onReject sink for the rejected rows");
  const extraColumns = options.extraColumns ?? 'ignore';
  if (extraColumns !== 'ignore' && extraColumns !== 'error')
    throw new SluiceError('USAGE', `extraColumns must be 'ignore' or 'error', not ${JSON.stringify(extraColumns)}`);
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const coerce = { timestamptzWithoutOffset: options.timestamptzWithoutOffset };
  // Compiled up front so bad column declarations fail before any file is touched.
  const coercers: Record<'text' | 'json', RowCoercer> = {
    text: compileRow(options.columns, { ...coerce, input: 'text' }),
    json: compileRow(options.columns, { ...coerce, input: 'json' }),
  };
  if (options.format) formatOf('', options.format);
  if (options.delimiter !== undefined || options.quote !== undefined) checkDialect(options);
  let stats = { files: 0, rows: 0, rejected: 0 };

  async function bad(at: string, problem: string, raw: string, file: string, line: number): Promise<void> {
    if (onMalformed === 'fail') throw new MalformedRowError(at, problem, { file, line });
    stats.rejected++;
    await options.onReject!({ at, error: problem, raw });
  }

  async function* rows(): AsyncGenerator<SourceRow> {
    stats = { files: 0, rows: 0, rejected: 0 };
    for (const file of await resolveFiles(options.path, cwd)) {
      const name = displayName(file, cwd);
      const format = formatOf(file, options.format);
      const text = openText(file, name);
      stats.files++;
      const ctx: FileReadContext = {
        name,
        text: text.chunks,
        extraColumns,
        coercer: format === 'csv' ? coercers.text : coercers.json,
        bad: (at, problem, raw, line) => bad(at, problem, raw, name, line),
      };
      const batches =
        format === 'csv'
          ? csvBatches(ctx, {
              header: options.header ?? true,
              delimiter: options.delimiter ?? (/\.tsv(\.gz)?$/i.test(file) ? '\t' : ','),
              quote: options.quote,
            })
          : format === 'json'
            ? jsonBatches(ctx, options.recordPath ?? '')
            : ndjsonBatches(ctx);
      try {
        for await (const batch of batches) {
          for (const row of batch) {
            stats.rows++;
            yield row;
          }
        }
      } finally {
        text.close();
      }
    }
  }

  return {
    [Symbol.asyncIterator]: () => rows(),
    stats: () => ({ ...stats }),
    summary: () => ({ rows: stats.rows }),
  };
}

/** The files a path or glob names, absolute and sorted; none is an error naming the pattern. */
export async function resolveFiles(pattern: string, cwd: string = process.cwd()): Promise<string[]> {
  if (!pattern) throw new SluiceError('USAGE', 'no file path or glob given');
  if (!isDynamicPattern(pattern)) {
    const file = path.resolve(cwd, pattern);
    const st = await fs.stat(file).catch((e: NodeJS.ErrnoException) => {
      throw new SluiceError(
        'SOURCE_FAILED',
        e.code === 'ENOENT' ? `no such file: ${pattern} (in ${cwd})` : `cannot read ${pattern}: ${e.message}`,
      );
    });
    if (!st.isFile()) throw new SluiceError('SOURCE_FAILED', `${pattern} is not a file`);
    return [file];
  }
  const files = await glob(pattern, { cwd, absolute: true, onlyFiles: true, expandDirectories: false });
  if (files.length === 0)
    throw new SluiceError('SOURCE_FAILED', `no file matches ${JSON.stringify(pattern)} (in ${cwd})`);
  return files.map((f) => path.resolve(f)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function displayName(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

function formatOf(file: string, given: FileFormat | undefined): FileFormat {
  if (given !== undefined) {
    if (given === 'csv' || given === 'json' || given === 'ndjson') return given;
    throw new SluiceError('USAGE', `format must be csv, json or ndjson, not ${JSON.stringify(given)}`);
  }
  const ext = path.extname(file.replace(/\.gz$/i, '')).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  throw new SluiceError(
    'USAGE',
    `cannot tell the format of ${file} from its extension; set format (csv, json or ndjson)`,
  );
}

/** The file as UTF-8 text chunks (checked strictly), gunzipped when it ends in .gz; read failures become SOURCE_FAILED naming it. */
function openText(file: string, name: string): { chunks: AsyncIterable<string>; close(): void } {
  const raw = createReadStream(file, { highWaterMark: READ_CHUNK });
  const gzipped = /\.gz$/i.test(file);
  const out: Readable = gzipped ? pipeline(raw, createGunzip({ chunkSize: READ_CHUNK }), () => undefined) : raw;
  async function* chunks(): AsyncGenerator<string> {
    try {
      // Strict: a file that is not UTF-8 stops with its line and byte offset, not U+FFFD in the data.
      yield* strictUtf8(out as AsyncIterable<Buffer>, name, gzipped ? ' of the gunzipped text' : '');
    } catch (e) {
      throw isSluiceError(e) ? e : new SluiceError('SOURCE_FAILED', `cannot read ${name}: ${(e as Error).message}`);
    }
  }
  return {
    chunks: chunks(),
    close: () => {
      out.destroy();
      raw.destroy();
    },
  };
}
