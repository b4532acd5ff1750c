import { createHash } from 'node:crypto';
import { rejectLine, rejectsObject, type RejectedRow } from '../../src/ingest/rejects';

const rejected: RejectedRow[] = [
  { at: 'orders.csv line 3', error: 'column "amount" (numeric): "12,5" is not a number', raw: '3,b,"12,5"' },
  { at: 'orders.csv line 7', error: 'text after a closing quote', raw: '7,"multi\nline"x,é😀' },
];

async function drain(o: ReturnType<typeof rejectsObject>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of o.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('rejects writer', () => {
  test('one NDJSON line per rejected row: at, error, raw', () => {
    expect(rejectLine(rejected[0])).toBe(
      '{"at":"orders.csv line 3","error":"column \\"amount\\" (numeric): \\"12,5\\" is not a number","raw":"3,b,\\"12,5\\""}\n',
    );
  });

  test('streams an array or an async iterable, with count, size and checksum', async () => {
    async function* gen(): AsyncGenerator<RejectedRow> {
      yield* rejected;
    }
    for (const input of [rejected, gen()]) {
      const out = rejectsObject(input);
      const bytes = await drain(out);
      const lines = bytes.toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((l) => JSON.parse(l))).toEqual(rejected);
      expect(await out.done).toEqual({
        rows: 2,
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
  });

  test('nothing rejected: an empty stream and zero rows', async () => {
    const out = rejectsObject([]);
    expect((await drain(out)).length).toBe(0);
    expect(await out.done).toEqual({ rows: 0, bytes: 0, sha256: createHash('sha256').digest('hex') });
  });
});
