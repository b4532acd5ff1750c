import { Readable, Transform } from 'node:stream';
import type { ObjectBody } from './object-store';

/** Helpers for the three kinds of put body (Buffer, string, stream), shared by both stores. */

export function isBytes(body: ObjectBody): body is Buffer | string {
  return typeof body === 'string' || Buffer.isBuffer(body);
}

export function toStream(body: ObjectBody): Readable {
  return isBytes(body) ? Readable.from([Buffer.from(body)], { objectMode: false }) : body;
}

export function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string | Uint8Array);
}

/** After a failed put: a stream body nobody will read any more is closed (its file descriptor, say). */
export function dropBody(body: ObjectBody): void {
  if (!isBytes(body) && !body.destroyed) body.destroy();
}

/** Passes bytes through and counts them. */
export function byteCounter(): Transform & { bytes: number } {
  const t = new Transform({
    transform(chunk, _enc, done) {
      t.bytes += (chunk as Buffer).length;
      done(null, chunk);
    },
  }) as Transform & { bytes: number };
  t.bytes = 0;
  return t;
}

export interface StreamHead {
  readonly chunks: Buffer[];
  readonly bytes: number;
  /** true when the stream ended within the limit. */
  readonly done: boolean;
  /** The rest of the stream (nothing when done). */
  readonly rest: AsyncIterator<unknown>;
}

/**
 * Reads a stream until it ends or has given more than `limit` bytes, without closing it, so a small
 * body of unknown size can still go up in one request. Errors of the stream are thrown as they are.
 */
export async function readHead(stream: Readable, limit: number): Promise<StreamHead> {
  const rest = stream[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let bytes = 0;
  while (bytes <= limit) {
    const r = await rest.next();
    if (r.done) return { chunks, bytes, done: true, rest };
    const b = toBuffer(r.value);
    chunks.push(b);
    bytes += b.length;
  }
  return { chunks, bytes, done: false, rest };
}
