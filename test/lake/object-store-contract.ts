import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ObjectStore } from '../../src/lake/object-store';

/** One store under test, plus a look behind it at what is physically stored. */
export interface ContractTarget {
  readonly store: ObjectStore;
  /** Every key stored in the bucket, temporary uploads included. */
  rawKeys(bucket: string): Promise<string[]>;
  /** Writes past the store (to plant a leftover temporary upload). */
  putRaw(bucket: string, key: string, body: Buffer): Promise<void>;
  /** What error messages about this store must name (endpoint or folder). */
  readonly where: string;
  /** Removes a bucket the tests made (a real MinIO keeps them otherwise). */
  dropBucket?(bucket: string): Promise<void>;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

// fs dates come from another realm under jest, so toBeInstanceOf(Date) would fail.
const isValidDate = (d: unknown) =>
  Object.prototype.toString.call(d) === '[object Date]' && !Number.isNaN((d as Date).getTime());

/** Sends some bytes, then fails. */
export function failingStream(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) this.destroy(new Error('source broke halfway'));
      else {
        sent = true;
        this.push(Buffer.alloc(1000, 'a'));
      }
    },
  });
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** The behaviour every ObjectStore promises; run by each implementation's test file. */
export function objectStoreContract(
  name: string,
  open: () => Promise<ContractTarget>,
  close: () => Promise<void>,
): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let t: ContractTarget;
    let store: ObjectStore;
    const made: string[] = [];
    const run = randomBytes(3).toString('hex');
    const bucket = async () => {
      const b = `sluice-t-${run}-${made.length}`;
      made.push(b);
      await store.ensureBucket(b);
      return b;
    };

    beforeAll(async () => {
      t = await open();
      store = t.store;
    });
    afterAll(async () => {
      if (t?.dropBucket) for (const b of made) await t.dropBucket(b);
      await close();
    });

    test('ensureBucket is idempotent and a new bucket is empty', async () => {
      const b = await bucket();
      await store.ensureBucket(b);
      await store.ensureBucket(b);
      expect(await store.list(b)).toEqual([]);
    });

    test('Buffer, string and stream bodies round-trip, with and without size', async () => {
      const b = await bucket();
      const bytes = randomBytes(70_000);
      const cases: Array<[string, () => Buffer | string | Readable, Buffer, number | undefined]> = [
        ['buffer', () => bytes, bytes, undefined],
        ['string', () => 'héllo, lake\n', Buffer.from('héllo, lake\n'), undefined],
        ['empty', () => '', Buffer.alloc(0), undefined],
        ['stream-unsized', () => Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]), bytes, undefined],
        ['stream-sized', () => Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]), bytes, bytes.length],
        ['stream-strings', () => Readable.from(['a,b\n', '1,2\n']), Buffer.from('a,b\n1,2\n'), 8],
      ];
      for (const [key, body, expected, size] of cases) {
        const info = await store.put(b, `bodies/${key}`, body(), { size });
        expect(info).toMatchObject({ bucket: b, key: `bodies/${key}`, size: expected.length });
        expect((await readAll(await store.get(b, `bodies/${key}`))).equals(expected)).toBe(true);
        expect((await store.stat(b, `bodies/${key}`))?.size).toBe(expected.length);
      }
    });

    test('metadata and content type round-trip; overwriting replaces both', async () => {
      const b = await bucket();
      const metadata = { rows: '200', 'source-file': 'orders_2026-01-01.csv', note: 'a b=c;d' };
      const put = await store.put(b, 'm/x.csv', 'a,b\n', { metadata, contentType: 'text/csv' });
      expect(put).toMatchObject({ metadata, contentType: 'text/csv', size: 4 });
      const st = await store.stat(b, 'm/x.csv');
      expect(st).toMatchObject({ bucket: b, key: 'm/x.csv', size: 4, metadata, contentType: 'text/csv' });
      expect(isValidDate(st!.lastModified)).toBe(true);

      await store.put(b, 'm/x.csv', 'new');
      expect(await store.stat(b, 'm/x.csv')).toMatchObject({
        size: 3,
        metadata: {},
        contentType: 'application/octet-stream',
      });
      expect((await readAll(await store.get(b, 'm/x.csv'))).toString()).toBe('new');
    });

    test('metadata S3 would alter is refused and nothing is written', async () => {
      const b = await bucket();
      const refused: Array<Record<string, string>> = [
        { Rows: '1' },
        { rows_x: '1' },
        { 'content-type': 'x' },
        { 'x-amz-acl': 'x' },
        { n: 'é' },
        { n: ' padded ' },
        { n: '' },
        { n: 'x'.repeat(3000) },
      ];
      for (const metadata of refused) {
        await expect(store.put(b, 'k', 'x', { metadata })).rejects.toMatchObject({ code: 'USAGE' });
      }
      expect(await store.stat(b, 'k')).toBeUndefined();
    });

    test('stat of a missing object, or in a missing bucket, is undefined; get fails naming it', async () => {
      const b = await bucket();
      expect(await store.stat(b, 'nope/x')).toBeUndefined();
      expect(await store.stat(`sluice-t-${run}-absent`, 'x')).toBeUndefined();
      await expect(store.get(b, 'nope/x')).rejects.toMatchObject({
        code: 'OBJECT_STORE_FAILED',
        message: expect.stringContaining(`${b}/nope/x`),
      });
    });

    test('list by prefix is complete and sorted, and hides temporary uploads', async () => {
      const b = await bucket();
      for (const k of [
        's/o/dt=2026-01-02/part-0000.csv',
        's/o/dt=2026-01-01/part-0001.csv',
        's/o/dt=2026-01-01/part-0000.csv',
        's/other/x',
        'top',
      ]) {
        await store.put(b, k, k);
      }
      await t.putRaw(b, '.sluice-tmp/leftover', Buffer.from('half'));
      const keys = async (prefix?: string) => (await store.list(b, prefix)).map((o) => o.key);
      expect(await keys()).toEqual([
        's/o/dt=2026-01-01/part-0000.csv',
        's/o/dt=2026-01-01/part-0001.csv',
        's/o/dt=2026-01-02/part-0000.csv',
        's/other/x',
        'top',
      ]);
      expect(await keys('s/o/')).toEqual([
        's/o/dt=2026-01-01/part-0000.csv',
        's/o/dt=2026-01-01/part-0001.csv',
        's/o/dt=2026-01-02/part-0000.csv',
      ]);
      expect(await keys('s/o/dt=2026-01-01/')).toEqual([
        's/o/dt=2026-01-01/part-0000.csv',
        's/o/dt=2026-01-01/part-0001.csv',
      ]);
      expect(await keys('s/o')).toHaveLength(4);
      expect(await keys('nothing/')).toEqual([]);
      expect(await keys('.sluice-tmp/')).toEqual([]);
      const [first] = await store.list(b, 'top');
      expect(first).toMatchObject({ bucket: b, key: 'top', size: 3 });
      expect(isValidDate(first.lastModified)).toBe(true);
    });

    test('list returns every object past the 1,000-key page of S3', async () => {
      const b = await bucket();
      const keys = Array.from({ length: 1005 }, (_, i) => `many/k-${String(1004 - i).padStart(4, '0')}`);
      // Written past the store (one request each, not four) to keep this quick; listing is what is tested.
      await inParallel(keys.slice(5), 16, (k) => t.putRaw(b, k, Buffer.from('x')));
      for (const k of keys.slice(0, 5)) await store.put(b, k, 'x');
      await store.put(b, 'manyx', 'not under the prefix');
      await t.putRaw(b, '.sluice-tmp/leftover', Buffer.from('half'));
      const listed = (await store.list(b, 'many/')).map((o) => o.key);
      expect(listed).toEqual([...keys].sort());
      expect(await store.list(b)).toHaveLength(1006);
    });

    test('remove deletes the object; removing a missing one is fine', async () => {
      const b = await bucket();
      await store.put(b, 'r/a', 'a', { metadata: { k: 'v' } });
      await store.put(b, 'r/b', 'b');
      await store.remove(b, 'r/a');
      await store.remove(b, 'r/a');
      expect(await store.stat(b, 'r/a')).toBeUndefined();
      expect((await store.list(b)).map((o) => o.key)).toEqual(['r/b']);
      // A new object under the removed key does not inherit the old metadata.
      expect((await store.put(b, 'r/a', 'again')).metadata).toEqual({});
    });

    test('a missing bucket fails put and list with a message naming it', async () => {
      const missing = `sluice-t-${run}-missing`;
      const err = { code: 'OBJECT_STORE_FAILED', message: expect.stringContaining(`"${missing}"`) };
      await expect(store.put(missing, 'a/b', 'x')).rejects.toMatchObject(err);
      await expect(store.put(missing, 'a/b', 'x')).rejects.toMatchObject({ message: expect.stringContaining(t.where) });
      await expect(store.list(missing)).rejects.toMatchObject(err);
      // A stream body nobody will read is closed, not left holding its source open.
      const body = Readable.from([Buffer.from('x')]);
      await expect(store.put(missing, 'a/b', body)).rejects.toMatchObject(err);
      expect(body.destroyed).toBe(true);
    });

    test('a body that fails halfway leaves nothing under the key and no temporary object', async () => {
      const b = await bucket();
      await expect(store.put(b, 'f/new', failingStream())).rejects.toThrow('source broke halfway');
      await expect(store.put(b, 'f/sized', failingStream(), { size: 5000 })).rejects.toThrow('source broke halfway');
      expect(await store.stat(b, 'f/new')).toBeUndefined();
      expect(await store.stat(b, 'f/sized')).toBeUndefined();
      // An existing object stays as it was.
      await store.put(b, 'f/old', 'old', { metadata: { v: '1' } });
      await expect(store.put(b, 'f/old', failingStream(), { metadata: { v: '2' } })).rejects.toThrow(
        'source broke halfway',
      );
      expect(await store.stat(b, 'f/old')).toMatchObject({ size: 3, metadata: { v: '1' } });
      expect((await readAll(await store.get(b, 'f/old'))).toString()).toBe('old');
      expect((await t.rawKeys(b)).filter((k) => k.startsWith('.sluice-tmp/'))).toEqual([]);
      expect((await store.list(b)).map((o) => o.key)).toEqual(['f/old']);
    });

    test('a body longer or shorter than its size is refused and nothing is written', async () => {
      const b = await bucket();
      await expect(store.put(b, 's/long', Readable.from([Buffer.from('12345')]), { size: 3 })).rejects.toMatchObject({
        code: 'USAGE',
      });
      await expect(store.put(b, 's/short', Readable.from([Buffer.from('12')]), { size: 3 })).rejects.toMatchObject({
        code: 'USAGE',
        message: expect.stringContaining('s/short'),
      });
      await expect(store.put(b, 's/buf', 'abc', { size: 4 })).rejects.toMatchObject({ code: 'USAGE' });
      await expect(store.put(b, 's/neg', 'abc', { size: -1 })).rejects.toMatchObject({ code: 'USAGE' });
      expect(await store.list(b)).toEqual([]);
      expect((await t.rawKeys(b)).filter((k) => k.startsWith('.sluice-tmp/'))).toEqual([]);
    });

    test('invalid keys and bucket names are refused with USAGE', async () => {
      const b = await bucket();
      for (const key of [
        '../x',
        'a/../../x',
        '/abs',
        '',
        'a//b',
        './a',
        'a/',
        '.sluice-tmp/x',
        'a\\b',
        'x.sluice-meta.json',
      ]) {
        await expect(store.put(b, key, 'x')).rejects.toMatchObject({
          code: 'USAGE',
          message: expect.stringContaining('invalid object key'),
        });
        await expect(store.stat(b, key)).rejects.toMatchObject({ code: 'USAGE' });
        await expect(store.get(b, key)).rejects.toMatchObject({ code: 'USAGE' });
        await expect(store.remove(b, key)).rejects.toMatchObject({ code: 'USAGE' });
      }
      for (const name of ['Raw', 'a', 'raw_data', '-raw', '../raw']) {
        await expect(store.ensureBucket(name)).rejects.toMatchObject({
          code: 'USAGE',
          message: expect.stringContaining(`"${name}"`),
        });
      }
      expect(await t.rawKeys(b)).toEqual([]);
    });
  });
}
