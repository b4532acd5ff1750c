import { isUtf8 } from 'node:buffer';
import { SluiceError } from '../errors/errors';

/**
 * UTF-8 checked as it streams. Node's decoder turns bad bytes into U+FFFD, so a Latin-1 or UTF-16
 * file was loaded with replacement characters and nobody told; here the first bad byte stops the
 * read with the file, line and byte offset. Checking uses `isUtf8` (native, fast); the slow scan
 * for the exact offset runs only on failure. A character split across chunks is carried over.
 */
export class Utf8Checker {
  private carry: Buffer | undefined;
  private offset = 0; // bytes checked before `carry`
  private line = 1;

  /** `name` is the file or object as messages show it; `note` says what the bytes are (after gunzip). */
  constructor(
    private readonly name: string,
    private readonly note = '',
  ) {}

  /** The complete characters of `chunk` (and the carried bytes before it), as text. */
  push(chunk: Buffer): string {
    return this.take(chunk).toString('utf8');
  }

  /** Only validates (the loader hands the bytes on untouched). */
  check(chunk: Buffer): void {
    this.take(chunk);
  }

  private take(chunk: Buffer): Buffer {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeLength(buf);
    const body = buf.subarray(0, cut);
    if (!isUtf8(body)) this.fail(body, firstInvalid(body));
    this.advance(body);
    this.carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : undefined;
    return body;
  }

  /** The input ended: a character cut off at the end is an error too. */
  end(): void {
    if (this.carry) this.fail(this.carry, 0, 'the file ends in the middle of a multi-byte character');
  }

  private advance(body: Buffer): void {
    for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, i + 1)) this.line++;
    this.offset += body.length;
  }

  private fail(buf: Buffer, at: number, why?: string): never {
    let line = this.line;
    for (let i = buf.indexOf(10); i !== -1 && i < at; i = buf.indexOf(10, i + 1)) line++;
    const bytes = [...buf.subarray(at, at + 4)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
    const first = buf[at];
    const guess =
      this.offset + at <= 1 && (first === 0xff || first === 0xfe)
        ? 'it looks like UTF-16'
        : 'it may be Latin-1/Windows-1252';
    throw new SluiceError(
      'INPUT_MALFORMED',
      `${this.name} line ${line}: not valid UTF-8 at byte offset ${this.offset + at}${this.note} (${why ?? `bytes ${bytes}`}); ${guess}: save or convert the file as UTF-8`,
      [{ message: 'not valid UTF-8', file: this.name, line }],
    );
  }
}

/** Strict UTF-8 text of a byte stream. */
export async function* strictUtf8(source: AsyncIterable<Buffer>, name: string, note = ''): AsyncGenerator<string> {
  const checker = new Utf8Checker(name, note);
  for await (const chunk of source) {
    const text = checker.push(chunk);
    if (text) yield text;
  }
  checker.end();
}

/** Bytes up to the start of a multi-byte character that the buffer's end cuts off. */
function completeLength(buf: Buffer): number {
  const len = buf.length;
  for (let i = len - 1; i >= 0 && i >= len - 4; i--) {
    const b = buf[i];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return len - i < need ? i : len;
  }
  return len;
}

/** Index of the first byte that does not belong to a valid UTF-8 sequence (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function firstInvalid(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number, min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return buf.length;
}
