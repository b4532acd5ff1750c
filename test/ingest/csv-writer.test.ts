import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { compileRow } from '../../src/lake/columns';
import { csvObject, csvRowFormatter, csvText } from '../../src/ingest/csv-writer';
import { fileSource } from '../../src/ingest/file-source';
import type { ColumnSpec, SourceRow } from '../../src/lake/column-spec';
import { createTestDatabase } from '../support/pg';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const columns: ColumnSpec[] = [
  { name: 'id', type: 'integer', nullable: false },
  { name: 'label', type: 'text' },
  { name: 'big', type: 'bigint' },
  { name: 'amount', type: 'numeric' },
  { name: 'ratio', type: 'double' },
  { name: 'active', type: 'boolean' },
  { name: 'day', type: 'date' },
  { name: 'local_at', type: 'timestamp' },
  { name: 'at', type: 'timestamptz' },
  { name: 'payload', type: 'jsonb' },
];

/** Source-shaped records (as a JSON source would give them), coerced as every source does. */
const records: Record<string, unknown>[] = [
  {
    id: 1,
    label: 'plain',
    big: '9223372036854775807',
    amount: '123456789012345678901234567890.123456789',
    ratio: 0.1,
    active: true,
    day: '2026-01-31',
    local_at: '2026-01-31T10:00:00.123456',
    at: '2026-01-31T10:00:00.123456+05:30',
    payload: { a: [1, 'two', null], 'quote"key': 'é' },
  },
  {
    id: 2,
    label: '',
    big: '-9223372036854775808',
    amount: '-0.000001',
    ratio: -1e-300,
    active: false,
    day: '0001-01-01',
    local_at: '1999-12-31 23:59:59',
    at: '1999-12-31T23:59:59Z',
    payload: 'just a string',
  },
  {
    id: 3,
    label: null,
    big: null,
    amount: null,
    ratio: null,
    active: null,
    day: null,
    local_at: null,
    at: null,
    payload: null,
  },
  { id: 4, label: 'comma, "quotes" and\nnewline\r\nand CRLF', ratio: Infinity, payload: [] },
  { id: 5, label: '\\.', ratio: -Infinity, payload: { nested: { deep: ['x,y', 'line\nbreak', '"'] } } },
  { id: 6, label: '  spaces kept  ', ratio: NaN, payload: 0 },
  { id: 7, label: 'unicode: 😀 日本語 é (e + \u0301) \u2028', ratio: 1.7976931348623157e308 },
  { id: 8, label: 'back\\slash and \ttab', ratio: 5e-324 },
  { id: 2147483647, label: 'NULL', ratio: 0 },
];

function sourceRows(): SourceRow[] {
  const row = compileRow(columns);
  return records.map((r, i) => ({ values: row.fromRecord(r, `record ${i + 1}`), at: `record ${i + 1}` }));
}

describe('lake CSV writer', () => {
  test('fields are quoted only when needed; null is empty, the empty string is ""', () => {
    expect(csvText('plain')).toBe('plain');
    expect(csvText('')).toBe('""');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('a\nb')).toBe('"a\nb"');
    expect(csvText('a\rb')).toBe('"a\rb"');
    expect(csvText('\\.')).toBe('"\\."');
    const line = csvRowFormatter(columns);
    expect(line(sourceRows()[2].values)).toBe('3,,,,,,,,,\n');
    expect(line(sourceRows()[0].values)).toBe(
      '1,plain,9223372036854775807,123456789012345678901234567890.123456789,0.1,true,2026-01-31,2026-01-31T10:00:00.123456,2026-01-31T10:00:00.123456+05:30,"{""a"":[1,""two"",null],""quote\\""key"":""é""}"\n',
    );
    expect(
      line({
        id: 1,
        day: new Date('2026-02-03T00:00:00Z'),
        at: new Date('2026-02-03T04:05:06.789Z'),
        local_at: new Date('2026-02-03T04:05:06Z'),
        payload: { a: 1 },
      }),
    ).toBe('1,,,,,,2026-02-03,2026-02-03T04:05:06.000,2026-02-03T04:05:06.789Z,"{""a"":1}"\n');
  });

  test('row count, byte size and SHA-256 match the bytes produced', async () => {
    const out = csvObject(sourceRows(), columns);
    const bytes = await collect(out.stream);
    const done = await out.done;
    expect(done.rows).toBe(records.length);
    expect(done.bytes).toBe(bytes.length);
    expect(done.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const parsed = parse(bytes, { columns: true, relax_column_count: false }) as Record<string, string>[];
    expect(parsed).toHaveLength(records.length);
    expect(bytes.toString('utf8').split('\n')[0]).toBe(columns.map((c) => c.name).join(','));
  });

  test('many rows stream in several chunks with the same totals', async () => {
    async function* many(): AsyncGenerator<SourceRow> {
      for (let i = 0; i < 20000; i++)
        yield { at: `r${i}`, values: { id: i, label: i % 3 ? `row ${i}, "q"` : null, payload: `{"i":${i}}` } };
    }
    const out = csvObject(many(), columns);
    const chunks: Buffer[] = [];
    for await (const c of out.stream) chunks.push(c as Buffer);
    const all = Buffer.concat(chunks);
    expect(chunks.length).toBeGreaterThan(1);
    expect(await out.done).toEqual({
      rows: 20000,
      bytes: all.length,
      sha256: createHash('sha256').update(all).digest('hex'),
    });
  });

  test('a failing source fails the stream and `done`; an abandoned stream rejects `done`', async () => {
    async function* broken(): AsyncGenerator<SourceRow> {
      yield { at: 'r1', values: { id: 1 } };
      throw new Error('source died');
    }
    const out = csvObject(broken(), columns);
    await expect(collect(out.stream)).rejects.toThrow('source died');
    await expect(out.done).rejects.toThrow('source died');

    const big = csvObject(
      Array.from({ length: 50000 }, (_, i) => ({ at: `r${i}`, values: { id: i, label: 'x'.repeat(20) } })),
      columns,
    );
    for await (const _ of big.stream) break;
    await expect(big.done).rejects.toThrow('the output stream was closed before all rows were written');
  });

  test('a lake file read back as a CSV source gives the same values', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-lake-'));
    try {
      const out = csvObject(sourceRows(), columns);
      await writeFile(path.join(dir, 'part-0000.csv'), await collect(out.stream));
      const back: SourceRow[] = [];
      for await (const r of fileSource({ path: 'part-0000.csv', cwd: dir, columns })) back.push(r);
      expect(back.map((r) => r.values)).toEqual(sourceRows().map((r) => r.values));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('round trip through Postgres COPY', () => {
    let db: { url: string; drop(): Promise<void> };
    let client: Client;
    beforeAll(async () => {
      db = await createTestDatabase('csv_writer');
      client = new Client({ connectionString: db.url });
      await client.connect();
      await client.query("SET TimeZone = 'UTC'");
    });
    afterAll(async () => {
      await client?.end();
      await db?.drop();
    });

    test('every value survives exactly: nulls vs empty strings, newlines, quotes, unicode, timestamps, jsonb', async () => {
      await client.query(`CREATE TABLE lake_rt (id integer NOT NULL, label text, big bigint, amount numeric, ratio double precision,
        active boolean, day date, local_at timestamp, at timestamptz, payload jsonb)`);
      const out = csvObject(sourceRows(), columns);
      await pipeline(out.stream, client.query(copyFrom('COPY lake_rt FROM STDIN WITH (FORMAT csv, HEADER true)')));
      expect((await out.done).rows).toBe(records.length);

      const { rows } =
        await client.query(`SELECT id, label, big::text, amount::text, ratio, active, day::text, local_at::text, at::text, payload
        FROM lake_rt ORDER BY id`);
      expect(rows).toHaveLength(records.length);
      const byId = new Map(rows.map((r) => [r.id as number, r]));
      for (const rec of records) {
        const got = byId.get(rec.id as number)!;
        expect(got.label).toBe(rec.label ?? null);
        expect(got.payload).toEqual(rec.payload ?? null);
        if (Number.isNaN(rec.ratio)) expect(got.ratio).toBeNaN();
        else expect(got.ratio).toBe(rec.ratio ?? null);
      }
      expect(byId.get(2)!.label).toBe('');
      expect(byId.get(3)!.label).toBeNull();
      expect(byId.get(2147483647)!.label).toBe('NULL');
      expect([byId.get(1)!.big, byId.get(2)!.big, byId.get(3)!.big]).toEqual([
        '9223372036854775807',
        '-9223372036854775808',
        null,
      ]);
      expect([byId.get(1)!.amount, byId.get(2)!.amount]).toEqual([
        '123456789012345678901234567890.123456789',
        '-0.000001',
      ]);
      expect([byId.get(1)!.active, byId.get(2)!.active, byId.get(3)!.active]).toEqual([true, false, null]);
      expect([byId.get(1)!.day, byId.get(2)!.day]).toEqual(['2026-01-31', '0001-01-01']);
      expect([byId.get(1)!.local_at, byId.get(2)!.local_at]).toEqual([
        '2026-01-31 10:00:00.123456',
        '1999-12-31 23:59:59',
      ]);
      expect([byId.get(1)!.at, byId.get(2)!.at]).toEqual(['2026-01-31 04:30:00.123456+00', '1999-12-31 23:59:59+00']);
    });

    test('a one-column NULL row (an empty line) loads as NULL', async () => {
      const one: ColumnSpec[] = [{ name: 't', type: 'text' }];
      await client.query('CREATE TABLE lake_one (n serial, t text)');
      const out = csvObject(
        [null, '', 'x', '\\.'].map((t, i) => ({ at: `${i}`, values: { t } })),
        one,
      );
      await pipeline(out.stream, client.query(copyFrom('COPY lake_one (t) FROM STDIN WITH (FORMAT csv, HEADER true)')));
      const { rows } = await client.query('SELECT t FROM lake_one ORDER BY n');
      expect(rows.map((r) => r.t)).toEqual([null, '', 'x', '\\.']);
    });
  });
});
