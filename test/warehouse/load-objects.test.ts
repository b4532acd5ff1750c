import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { landRows } from '../../src/ingest/land';
import type { ColumnSpec, SourceRow } from '../../src/lake/column-spec';
import { localObjectStore } from '../../src/lake/local-object-store';
import { loadObjects } from '../../src/warehouse/load-objects';
import type { Warehouse } from '../../src/db/queryable';
import { warehouseTestDb, type WarehouseDb } from '../support/warehouse-db';

const columns: ColumnSpec[] = [
  { name: 'id', type: 'integer', nullable: false },
  { name: 'name', type: 'text' },
  { name: 'amount', type: 'numeric' },
  { name: 'at', type: 'timestamptz' },
  { name: 'tags', type: 'jsonb' },
];

function rowsFor(ds: string, n: number, extra = false): SourceRow[] {
  return Array.from({ length: n }, (_, i) => ({
    at: `test row ${i + 1}`,
    values: {
      id: i + 1,
      name: i % 3 === 0 ? null : i % 3 === 1 ? '' : `n,"${i}"\nline`,
      amount: `${i}.25`,
      at: `${ds}T10:00:00.123456Z`,
      tags: JSON.stringify({ i }),
      ...(extra ? { email: `u${i}@x.test` } : {}),
    },
  }));
}

async function* iter<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

/** The same warehouse without COPY: the path the embedded database takes. */
function withoutCopy(wh: Warehouse): Warehouse {
  return { query: wh.query, transaction: (fn) => wh.transaction((tx) => fn({ query: tx.query })) };
}

let env: WarehouseDb;
let wh: WarehouseDb['wh'];
let client: WarehouseDb['client'];
const lake = mkdtempSync(path.join(os.tmpdir(), 'sluice-lake-'));
const store = localObjectStore(lake);

beforeAll(async () => {
  env = await warehouseTestDb('load');
  ({ wh, client } = env);
});
afterAll(async () => {
  await env.close();
  rmSync(lake, { recursive: true, force: true });
});

const table = (t: string) =>
  client
    .query(
      `SELECT id, name, amount::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS at, tags, _ds::text, _source_object FROM raw.${t} ORDER BY _ds, id`,
    )
    .then((r) => r.rows);

async function land(ds: string, n: number, cols = columns, extra = false, watermark?: string) {
  return landRows({
    store,
    bucket: 'raw',
    source: 'shop',
    dataset: 'things',
    ds,
    columns: cols,
    rows: iter(rowsFor(ds, n, extra)),
    watermark: () => watermark,
  });
}

test('COPY and batched INSERT load the same rows; re-running a day replaces it exactly', async () => {
  const a = await land('2026-01-01', 25);
  await land('2026-01-02', 10);
  const req = (ds: string, key: string, t: string) => ({
    store,
    bucket: 'raw',
    keys: [key],
    target: { schema: 'raw', table: t },
    ds,
    source: `shop.${t}`,
  });
  const first = await loadObjects(wh, req('2026-01-01', a.key, 'copied'));
  expect(first).toMatchObject({ rows: 25, objects: 1, replaced: 0, method: 'copy' });
  const once = await table('copied');
  const again = await loadObjects(wh, req('2026-01-01', a.key, 'copied'));
  expect(again).toMatchObject({ rows: 25, replaced: 25 });
  expect(await table('copied')).toEqual(once);

  const viaInsert = await loadObjects(withoutCopy(wh), req('2026-01-01', a.key, 'inserted'));
  expect(viaInsert).toMatchObject({ rows: 25, method: 'insert' });
  const copied = once.map((r) => ({ ...r, _source_object: undefined }));
  expect((await table('inserted')).map((r) => ({ ...r, _source_object: undefined }))).toEqual(copied);

  // Nulls and empty strings stay apart; quotes and newlines survive.
  expect(once.slice(0, 3).map((r) => r.name)).toEqual([null, '', 'n,"2"\nline']);
  expect(once[0]).toMatchObject({
    _ds: '2026-01-01',
    _source_object: `raw/${a.key}`,
    at: '2026-01-01 10:00:00.123456',
    tags: { i: 0 },
  });
  const log = await client.query(
    `SELECT kind, status, rows::int, checksum FROM sluice.ingestion_log WHERE source = 'shop.copied' ORDER BY id`,
  );
  expect(log.rows).toEqual([
    { kind: 'load', status: 'success', rows: 25, checksum: a.sha256 },
    { kind: 'load', status: 'success', rows: 25, checksum: a.sha256 },
  ]);
});

test('a new column is an error naming it, or added when asked; a damaged object is refused', async () => {
  const b = await land('2026-01-03', 5);
  await loadObjects(wh, {
    store,
    bucket: 'raw',
    keys: [b.key],
    target: { schema: 'raw', table: 'drift' },
    ds: '2026-01-03',
    source: 'shop.drift',
  });
  const wider = [...columns, { name: 'email', type: 'text' as const }];
  const c = await land('2026-01-04', 5, wider, true);
  const load = (policy: 'error' | 'add') =>
    loadObjects(wh, {
      store,
      bucket: 'raw',
      keys: [c.key],
      target: { schema: 'raw', table: 'drift' },
      ds: '2026-01-04',
      source: 'shop.drift',
      onNewColumn: policy,
    });
  await expect(load('error')).rejects.toThrow(/new column "email" \(text\) is not in the table/);
  expect((await client.query(`SELECT count(*)::int AS n FROM raw.drift WHERE _ds = '2026-01-04'`)).rows[0].n).toBe(0);
  await expect(load('add')).resolves.toMatchObject({ rows: 5 });
  expect((await client.query(`SELECT count(email)::int AS n FROM raw.drift`)).rows[0].n).toBe(5);

  // Bytes changed after landing: the checksum recorded in the metadata catches it, nothing is loaded.
  const info = (await store.stat('raw', c.key))!;
  const text = (await streamText(await store.get('raw', c.key))).replace('u1@x.test', 'u9@x.test');
  await store.put('raw', c.key, text, { metadata: info.metadata });
  await expect(load('add')).rejects.toThrow(/checksum .* differs/);
  expect((await client.query(`SELECT count(*)::int AS n FROM raw.drift WHERE _ds = '2026-01-04'`)).rows[0].n).toBe(5);
});

test('a session that dies between COPY and COMMIT leaves the table and the watermark as they were', async () => {
  const d = await land('2026-01-05', 8, columns, false, '2026-01-05T10:00:00Z');
  const req = {
    store,
    bucket: 'raw',
    keys: [d.key],
    target: { schema: 'raw', table: 'crash' },
    ds: '2026-01-05',
    source: 'shop.crash',
  };
  await loadObjects(wh, req);
  expect((await client.query(`SELECT value FROM sluice.watermark WHERE source = 'shop.crash'`)).rows).toEqual([
    { value: '2026-01-05T10:00:00Z' },
  ]);
  const e = await land('2026-01-05', 3, columns, false, '2026-01-05T23:00:00Z');
  // Kill the loading backend right after its COPY, before the watermark and the commit.
  const dying: Warehouse = {
    query: wh.query,
    transaction: (fn) =>
      wh.transaction((tx) =>
        fn({
          query: async (sql, params) => {
            if (sql.includes('INSERT INTO sluice.watermark')) {
              const pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
              await client.query('SELECT pg_terminate_backend($1)', [pid]);
            }
            return tx.query(sql, params);
          },
          copyFrom: tx.copyFrom,
        }),
      ),
  };
  await expect(loadObjects(dying, { ...req, keys: [e.key] })).rejects.toThrow();
  expect((await client.query(`SELECT count(*)::int AS n FROM raw.crash`)).rows[0].n).toBe(8);
  expect((await client.query(`SELECT value FROM sluice.watermark WHERE source = 'shop.crash'`)).rows).toEqual([
    { value: '2026-01-05T10:00:00Z' },
  ]);
});

async function streamText(s: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

test('hourly partitions of one day load and re-load independently', async () => {
  const hour = async (h: number, n: number) => {
    const o = await landRows({
      store,
      bucket: 'raw',
      source: 'shop',
      dataset: 'hourly',
      ds: '2026-01-06',
      hour: h,
      columns,
      rows: iter(rowsFor('2026-01-06', n)),
    });
    return loadObjects(wh, {
      store,
      bucket: 'raw',
      keys: [o.key],
      target: { schema: 'raw', table: 'hourly' },
      ds: '2026-01-06',
      partition: `dt=2026-01-06/hr=${String(h).padStart(2, '0')}`,
      source: 'shop.hourly',
    });
  };
  await hour(1, 4);
  await hour(2, 6);
  expect(await hour(1, 3)).toMatchObject({ rows: 3, replaced: 4 });
  const parts = await client.query(`SELECT _partition, count(*)::int AS n FROM raw.hourly GROUP BY 1 ORDER BY 1`);
  expect(parts.rows).toEqual([
    { _partition: 'dt=2026-01-06/hr=01', n: 3 },
    { _partition: 'dt=2026-01-06/hr=02', n: 6 },
  ]);
  const tables = await client.query(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'raw.hourly'::regclass ORDER BY 1`,
  );
  expect(tables.rows.map((r) => r.relname)).toEqual(['hourly__dt_2026_01_06_hr_01', 'hourly__dt_2026_01_06_hr_02']);
});

test('first loads of several tables into a new schema at the same time all succeed', async () => {
  const objects = await Promise.all(
    ['a', 'b', 'c', 'd'].map((d) =>
      landRows({
        store,
        bucket: 'raw',
        source: 'race',
        dataset: d,
        ds: '2026-01-07',
        columns,
        rows: iter(rowsFor('2026-01-07', 3)),
      }),
    ),
  );
  const results = await Promise.all(
    objects.map((o, i) =>
      loadObjects(wh, {
        store,
        bucket: 'raw',
        keys: [o.key],
        target: { schema: 'fresh_schema', table: `t${i}` },
        ds: '2026-01-07',
        source: `race.${i}`,
      }),
    ),
  );
  expect(results.map((r) => r.rows)).toEqual([3, 3, 3, 3]);
});

test('a whole-table load replaces the whole table: a snapshot source loaded on a second day does not double', async () => {
  const day1 = await land('2026-02-01', 12);
  const day2 = await land('2026-02-02', 9);
  const req = (ds: string, key: string, t: string, via: Warehouse = wh) =>
    loadObjects(via, {
      store,
      bucket: 'raw',
      keys: [key],
      target: { schema: 'raw', table: t },
      ds,
      source: `shop.${t}`,
      replace: 'table',
    });
  for (const [t, via] of [
    ['snap_copied', wh],
    ['snap_inserted', withoutCopy(wh)],
  ] as const) {
    expect(await req('2026-02-01', day1.key, t, via)).toMatchObject({ rows: 12, replaced: 0 });
    expect(await req('2026-02-02', day2.key, t, via)).toMatchObject({ rows: 9, replaced: 12 });
    const rows = await table(t);
    expect(rows).toHaveLength(9);
    expect(new Set(rows.map((r) => r._ds))).toEqual(new Set(['2026-02-02']));
    // Re-running the first day brings that day's snapshot back, alone.
    expect(await req('2026-02-01', day1.key, t, via)).toMatchObject({ rows: 12, replaced: 9 });
    expect((await table(t)).map((r) => r._ds)).toEqual(Array(12).fill('2026-02-01'));
    const parts = await client.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = to_regclass($1)`, [
      `raw.${t}`,
    ]);
    expect(parts.rows[0].n).toBe(1);
  }
  // A partition load next to it keeps the days apart, as before.
  await loadObjects(wh, {
    store,
    bucket: 'raw',
    keys: [day1.key],
    target: { schema: 'raw', table: 'snap_days' },
    ds: '2026-02-01',
    source: 'shop.snap_days',
  });
  await loadObjects(wh, {
    store,
    bucket: 'raw',
    keys: [day2.key],
    target: { schema: 'raw', table: 'snap_days' },
    ds: '2026-02-02',
    source: 'shop.snap_days',
  });
  expect(await table('snap_days')).toHaveLength(21);
});
