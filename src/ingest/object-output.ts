import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { SluiceError } from '../errors/errors';

/** What a lake writer reports once its stream has been read to the end. */
export interface WrittenObject {
  readonly rows: number;
  /** Bytes of the stream, header included. */
  readonly bytes: number;
  /** SHA-256 of the stream, lowercase hex. */
  readonly sha256: string;
}

/** A byte stream with backpressure (the source is pulled only as the reader reads), and its totals. */
export interface ObjectOutput {
  readonly stream: Readable;
  /** Resolves when the stream ends; rejects if the source fails or the stream is closed early. */
  readonly done: Promise<WrittenObject>;
}

/** Text pieces of about this many characters become one Buffer: big enough to amortize, small enough to stay flat. */
export const BATCH_CHARS = 64 * 1024;

function closedEarly(): SluiceError {
  return new SluiceError('OBJECT_STORE_FAILED', 'the output stream was closed before all rows were written');
}

/**
 * Turns generated text pieces into a counted, hashed byte stream. `rows()` is read at the end,
 * after `texts` is exhausted, so the generator counts rows as it goes.
 */
export function countedOutput(texts: AsyncIterable<string>, rows: () => number): ObjectOutput {
  let settle!: { resolve(w: WrittenObject): void; reject(e: unknown): void };
  const done = new Promise<WrittenObject>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The stream reports the same failure; a caller watching only the stream must not crash on this one.
  done.catch(() => undefined);

  async function* bytes(): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    let size = 0;
    let finished = false;
    try {
      for await (const text of texts) {
        const b = Buffer.from(text, 'utf8');
        hash.update(b);
        size += b.length;
        yield b;
      }
      finished = true;
      settle.resolve({ rows: rows(), bytes: size, sha256: hash.digest('hex') });
    } catch (e) {
      finished = true;
      // Node aborts the generator when the stream is destroyed: that is the reader giving up, not the source failing.
      settle.reject((e as Error)?.name === 'AbortError' ? closedEarly() : e);
      throw e;
    } finally {
      if (!finished) settle.reject(closedEarly());
    }
  }

  return { stream: Readable.from(bytes(), { objectMode: false }), done };
}
