import { BATCH_CHARS, countedOutput, type ObjectOutput } from './object-output';

export type { ObjectOutput, WrittenObject } from './object-output';

/** A row a source skipped in reject mode: where it was, why, and its original text. */
export interface RejectedRow {
  readonly at: string;
  /** The problem, without the location (that is `at`). */
  readonly error: string;
  /** The record as it appeared in the input (a CSV line or lines, a JSON element). */
  readonly raw: string;
}

/** Where a source hands its rejected rows; awaited, so a slow sink slows the source. */
export type RejectSink = (row: RejectedRow) => void | Promise<void>;

/** One NDJSON line `{"at":…,"error":…,"raw":…}` with its newline. */
export function rejectLine(r: RejectedRow): string {
  return `${JSON.stringify({ at: r.at, error: r.error, raw: r.raw })}\n`;
}

/** Rejected rows as an NDJSON byte stream, counted and hashed like the CSV objects (see csv-writer). */
export function rejectsObject(rejects: AsyncIterable<RejectedRow> | Iterable<RejectedRow>): ObjectOutput {
  let count = 0;
  async function* texts(): AsyncGenerator<string> {
    let batch = '';
    for await (const r of rejects) {
      batch += rejectLine(r);
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
