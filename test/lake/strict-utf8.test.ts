import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileSource } from '../../src/ingest/file-source';
import type { ColumnSpec } from '../../src/lake/column-spec';
import { localObjectStore } from '../../src/lake/local-object-store';
import { loadObjects } from '../../src/warehouse/load-objects';
import type { Warehouse } from '../../src/db/queryable';
import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';

/*
 * A file that is not UTF-8 (Latin-1 from a spreadsheet export, UTF-16 from Excel) was decoded
 * with U+FFFD replacement characters and loaded without a word. Every place a CSV (or JSON) is
 * read now stops at the first bad byte, naming the file, the line and the byte offset: local files
 * (CSV, gzipped CSV, JSON, NDJSON) and lake objects loaded into the warehouse, by COPY (Postgres)
 * and by batched INSERT (the embedded database's path).
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-utf8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const columns: ColumnSpec[] = [
  { name: 'id', type: 'integer' },
  { name: 'name', type: 'text' },
];
const latin1 = Buffer.concat([Buffer.from('id,name\n1,Ana\n2,Jos'), Buffer.from([0xe9]), Buffer.from('\n3,Bo\n')]);
// 'Jos' starts at byte 17 of line 3; the é (0xe9 in Latin-1) is byte 19.

async function read(file: string, extra: Partial<Parameters<typeof fileSource>[0]> = {}) {
  const rows: unknown[] = [];
  for await (const r of fileSource({ path: file, cwd: dir, columns, ...extra })) rows.push(r.values);
  return rows;
}

test('a Latin-1 CSV stops at the bad byte with file, line and byte offset; in reject mode too (the whole file is suspect)', async () => {
  writeFileSync(path.join(dir, 'people.csv'), latin1);
  await expect(read('people.csv')).rejects.toMatchObject({
    code: 'INPUT_MALFORMED',
    message:
      'people.csv line 3: not valid UTF-8 at byte offset 19 (bytes 0xe9 0x0a 0x33 0x2c); it may be Latin-1/Windows-1252: save or convert the file as UTF-8',
  });
  await expect(read('people.csv', { onMalformed: 'reject', onReject: () => undefined })).rejects.toThrow(
    /people\.csv line 3: not valid UTF-8 at byte offset 19/,
  );
  writeFileSync(path.join(dir, 'people.csv.gz'), gzipSync(latin1));
  await expect(read('people.csv.gz')).rejects.toThrow(
    'people.csv.gz line 3: not valid UTF-8 at byte offset 19 of the gunzipped text (bytes 0xe9 0x0a 0x33 0x2c)',
  );
});

test('UTF-16, JSON and NDJSON files, and a file cut inside a character, are refused the same way', async () => {
  writeFileSync(
    path.join(dir, 'excel.csv'),
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\n', 'utf16le')]),
  );
  await expect(read('excel.csv')).rejects.toThrow(
    'excel.csv line 1: not valid UTF-8 at byte offset 0 (bytes 0xff 0xfe 0x69 0x00); it looks like UTF-16: save or convert the file as UTF-8',
  );
  writeFileSync(
    path.join(dir, 'people.json'),
    Buffer.concat([Buffer.from('[\n  {"id": 1, "name": "Ren'), Buffer.from([0xe9]), Buffer.from('"}\n]\n')]),
  );
  await expect(read('people.json')).rejects.toThrow(/^people\.json line 2: not valid UTF-8 at byte offset 26 /);
  writeFileSync(
    path.join(dir, 'people.ndjson'),
    Buffer.concat([
      Buffer.from('{"id": 1, "name": "a"}\n{"id": 2, "name": "'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n'),
    ]),
  );
  await expect(read('people.ndjson')).rejects.toThrow(
    /^people\.ndjson line 2: not valid UTF-8 at byte offset 42 \(bytes 0xc3 0x28/,
  );
  writeFileSync(path.join(dir, 'cut.csv'), Buffer.concat([Buffer.from('id,name\n1,caf'), Buffer.from([0xc3])]));
  await expect(read('cut.csv')).rejects.toThrow(
    'cut.csv line 2: not valid UTF-8 at byte offset 13 (the file ends in the middle of a multi-byte character)',
  );
});

test('valid UTF-8 with multi-byte characters across read chunks loads exactly', async () => {
  const names = ['José', '€uro', '😀 smile', 'ß'];
  const lines = Array.from({ length: 40_000 }, (_, i) => `${i},${names[i % 4]}`);
  writeFileSync(path.join(dir, 'big.csv'), `id,name\n${lines.join('\n')}\n`);
  const rows = (await read('big.csv')) as Array<{ id: number; name: string }>;
  expect(rows.length).toBe(40_000);
  expect(rows.every((r) => r.name === names[r.id % 4])).toBe(true);
});

describe('lake objects loaded into the warehouse', () => {
  let env: WarehouseDb;
  const lake = mkdtempSync(path.join(os.tmpdir(), 'sluice-utf8-lake-'));
  const store = localObjectStore(lake);
  beforeAll(async () => {
    env = await warehouseTestDb('utf8');
    await store.ensureBucket('raw');
  });
  afterAll(async () => {
    await env.close();
    rmSync(lake, { recursive: true, force: true });
  });

  const withoutCopy = (wh: Warehouse): Warehouse => ({
    query: wh.query,
    transaction: (fn) => wh.transaction((tx) => fn({ query: tx.query })),
  });
  const load = (wh: Warehouse, key: string, ds: string) =>
    loadObjects(wh, {
      store,
      bucket: 'raw',
      keys: [key],
      target: { schema: 'raw', table: 'people' },
      ds,
      columns,
      source: 'crm.people',
    });

  test('COPY (Postgres) and batched INSERT (embedded) refuse a non-UTF-8 object naming it, its line and byte; the table and the log are untouched', async () => {
    await store.put('raw', 'crm/people/dt=2026-01-01/part-0000.csv', Buffer.from('id,name\n1,Ana\n'));
    await load(env.wh, 'crm/people/dt=2026-01-01/part-0000.csv', '2026-01-01');
    await store.put('raw', 'crm/people/dt=2026-01-02/part-0000.csv', latin1);
    for (const [how, wh] of [
      ['COPY', env.wh],
      ['INSERT', withoutCopy(env.wh)],
    ] as const) {
      await expect(load(wh, 'crm/people/dt=2026-01-02/part-0000.csv', '2026-01-02')).rejects.toMatchObject({
        message: expect.stringContaining(
          'raw/crm/people/dt=2026-01-02/part-0000.csv line 3: not valid UTF-8 at byte offset 19 (bytes 0xe9',
        ),
      });
      const rows = await env.client.query(`SELECT id, name, _ds::text FROM raw.people ORDER BY id`);
      expect({ how, rows: rows.rows }).toEqual({ how, rows: [{ id: 1, name: 'Ana', _ds: '2026-01-01' }] });
    }
    const log = await env.client.query(
      `SELECT ds::text, status FROM sluice.ingestion_log WHERE source = 'crm.people' ORDER BY id`,
    );
    expect(log.rows).toEqual([{ ds: '2026-01-01', status: 'success' }]);
  });
});
