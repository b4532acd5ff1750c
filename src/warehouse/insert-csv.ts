import type { Readable } from 'node:stream';
import { SluiceError } from '../errors/errors';
import { csvRecordParser, type CsvRecord } from '../lake/csv-reader';
import { quoteIdent } from '../db/quote';
import type { Queryable } from '../db/queryable';

// Postgres takes at most 65,535 parameters per statement.
const MAX_PARAMS = 60_000;
const MAX_ROWS = 1_000;

/**
 * Loads a lake CSV object (header row, then records) with multi-row INSERTs: the path for
 * databases where COPY FROM STDIN is not available (PGlite behind its socket). Values travel as
 * text parameters and Postgres casts them to the column types, as COPY would; null and the empty
 * string stay distinct. Returns the number of rows inserted.
 */
export async function insertCsv(
  q: Queryable,
  table: string,
  columns: readonly string[],
  body: Readable,
  where: string,
): Promise<number> {
  const parser = csvRecordParser();
  const perRow = columns.length;
  const batchRows = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, perRow))));
  const head = `INSERT INTO ${table} (${columns.map(quoteIdent).join(', ')}) VALUES `;
  let header = true;
  let rows = 0;
  let batch: Array<string | null> = [];
  const flush = async () => {
    if (!batch.length) return;
    const n = batch.length / perRow;
    const tuples = Array.from(
      { length: n },
      (_, r) => `(${Array.from({ length: perRow }, (_, c) => `$${r * perRow + c + 1}`).join(', ')})`,
    );
    await q.query(head + tuples.join(', '), batch);
    rows += n;
    batch = [];
  };
  const take = async (records: CsvRecord[]) => {
    for (const rec of records) {
      if (rec.error) throw new SluiceError('LOAD_FAILED', `${where} line ${rec.line}: ${rec.error}`);
      if (header) {
        header = false;
        if (rec.fields.length !== columns.length || rec.fields.some((f, i) => f !== columns[i])) {
          throw new SluiceError(
            'LOAD_FAILED',
            `${where}: header "${rec.fields.join(',')}" does not match the columns ${columns.join(',')}`,
          );
        }
        continue;
      }
      if (rec.fields.length !== perRow)
        throw new SluiceError(
          'LOAD_FAILED',
          `${where} line ${rec.line}: ${rec.fields.length} fields, expected ${perRow}`,
        );
      for (const f of rec.fields) batch.push(f);
      if (batch.length >= batchRows * perRow) await flush();
    }
  };
  // The loader's stream has checked the bytes as UTF-8 already (loadOne): decode only.
  body.setEncoding('utf8');
  for await (const chunk of body) {
    const out: CsvRecord[] = [];
    parser.push(chunk as string, out);
    await take(out);
  }
  const last: CsvRecord[] = [];
  parser.end(last);
  await take(last);
  await flush();
  return rows;
}
