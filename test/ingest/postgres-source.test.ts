import pg from 'pg';
import '../../src/db/database'; // installs Sluice's global int8 → number parser, which a source must not inherit
import { buildSourceQuery, postgresSource, type PostgresSourceOptions } from '../../src/ingest/postgres-source';
import { isoTimestamp } from '../../src/ingest/postgres-types';
import type { SourceRow } from '../../src/lake/column-spec';
import { createTestDatabase } from '../support/pg';
import { collect, failure } from '../support/iterables';

let db: { url: string; drop(): Promise<void> };
let admin: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase('postgres_source');
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.orders (
      id bigint PRIMARY KEY, amount numeric(12,2), placed date, updated_at timestamptz,
      local_ts timestamp, payload jsonb, note text);
    CREATE TABLE shop.events (id int PRIMARY KEY, at timestamptz);
    INSERT INTO shop.events SELECT g, '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 second' FROM generate_series(1, 2500) g;
  `);
});
afterAll(async () => {
  await admin?.end();
  await db?.drop();
});
beforeEach(() => admin.query('TRUNCATE shop.orders'));

const columns = [
  { name: 'id', type: 'bigint' as const },
  { name: 'amount', type: 'numeric' as const },
  { name: 'placed', type: 'date' as const },
  { name: 'updated_at', type: 'timestamptz' as const },
  { name: 'local_ts', type: 'timestamp' as const },
  { name: 'payload', type: 'jsonb' as const },
  { name: 'note', type: 'text' as const },
];

async function insert(...rows: [id: number, updatedAt: string | null][]): Promise<void> {
  for (const [id, at] of rows) {
    await admin.query(
      `INSERT INTO shop.orders VALUES ($1, 10.5, '2026-03-04', $2, '2026-03-04 05:06:07.000001', '{"a":[1]}', 'n')`,
      [id, at],
    );
  }
}

function src(o: Partial<PostgresSourceOptions> = {}) {
  return postgresSource({ connectionString: db.url, table: 'shop.orders', columns, ...o } as PostgresSourceOptions);
}

const ids = (rows: SourceRow[]) => rows.map((r) => r.values.id);

async function sourceConnections(): Promise<number> {
  const r = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sluice-ingest'`,
  );
  return r.rows[0].n;
}

describe('full mode', () => {
  it('reads every row, declared columns only, with text for exact and temporal types', async () => {
    await insert([2, '2026-01-01 10:00:00.123456+00'], [1, null]);
    const s = src({ columns: columns.filter((c) => c.name !== 'note'), orderBy: ['id'] });
    const rows = await collect(s);
    expect(rows.map((r) => r.values)).toEqual([
      {
        id: '1',
        amount: '10.50',
        placed: '2026-03-04',
        updated_at: null,
        local_ts: '2026-03-04T05:06:07.000001',
        payload: { a: [1] },
      },
      {
        id: '2',
        amount: '10.50',
        placed: '2026-03-04',
        updated_at: '2026-01-01T10:00:00.123456Z',
        local_ts: '2026-03-04T05:06:07.000001',
        payload: { a: [1] },
      },
    ]);
    expect(rows[1].at).toBe('shop.orders row 2');
    expect(s.summary()).toEqual({ rows: 2 });
    // The global parsers are untouched: another client still gets Dates.
    expect((await admin.query(`SELECT '2026-03-04'::date AS d`)).rows[0].d).toBeInstanceOf(Date);
  });

  it('reads a query with parameters, tolerating a trailing semicolon and comment', async () => {
    await insert([1, null], [2, null], [3, null]);
    const rows = await collect(
      src({
        table: undefined,
        query: 'SELECT * FROM shop.orders WHERE id >= $1; -- from 2',
        params: [2],
        orderBy: ['id'],
      }),
    );
    expect(ids(rows)).toEqual(['2', '3']);
    expect(rows[0].at).toBe('query row 1');
  });

  it('streams more rows than one cursor batch', async () => {
    const s = postgresSource({
      connectionString: db.url,
      table: 'shop.events',
      columns: [{ name: 'id', type: 'integer' }],
      orderBy: ['id'],
      batchSize: 1000,
    });
    let n = 0;
    for await (const r of s) {
      if (r.values.id !== ++n) throw new Error(`row ${n} out of order: ${r.values.id}`);
    }
    expect(s.summary()).toEqual({ rows: 2500 });
  });
});

describe('incremental mode', () => {
  const inc = (o: Partial<PostgresSourceOptions> = {}) => src({ watermarkColumn: 'updated_at', ...o });

  it('reads everything on the first run, then only newer rows', async () => {
    await insert(
      [1, '2026-01-01 00:00:00+00'],
      [2, '2026-01-03 00:00:00+00'],
      [3, '2026-01-02 00:00:00+00'],
      [4, null],
    );
    const first = inc();
    expect(ids(await collect(first))).toEqual(['1', '3', '2']); // watermark order; NULL watermarks are never read
    expect(first.summary()).toEqual({ rows: 3, watermark: '2026-01-03 00:00:00+00' });

    await insert([5, '2026-01-04 00:00:00+00'], [6, '2026-01-02 12:00:00+00']); // 6 arrived late, behind the watermark
    const second = inc({ lastWatermark: first.summary().watermark });
    expect(ids(await collect(second))).toEqual(['5']);
    expect(second.summary()).toEqual({ rows: 1, watermark: '2026-01-04 00:00:00+00' });

    const third = inc({ lastWatermark: second.summary().watermark });
    expect(await collect(third)).toEqual([]);
    expect(third.summary()).toEqual({ rows: 0 }); // nothing new: the caller keeps its watermark
  });

  it('keeps microseconds in the watermark', async () => {
    await insert([1, '2026-01-01 00:00:00.123456+00'], [2, '2026-01-01 00:00:00.123457+00']);
    const first = inc({ until: '2026-01-01 00:00:00.123456+00' });
    expect(ids(await collect(first))).toEqual(['1']);
    expect(first.summary().watermark).toBe('2026-01-01 00:00:00.123456+00');
    // A watermark rounded to milliseconds (a JS Date) would read row 1 again here.
    expect(ids(await collect(inc({ lastWatermark: first.summary().watermark })))).toEqual(['2']);
  });

  it('bounds a run with until (inclusive), accepting an ISO 8601 bound', async () => {
    await insert([1, '2026-01-01 00:00:00+00'], [2, '2026-01-02 00:00:00+00'], [3, '2026-01-02 00:00:00.000001+00']);
    const s = inc({ lastWatermark: '2025-12-31 00:00:00+00', until: '2026-01-02T00:00:00.000Z' });
    expect(ids(await collect(s))).toEqual(['1', '2']);
    expect(s.summary().watermark).toBe('2026-01-02 00:00:00+00');
  });

  it('reads all rows tied at the new watermark in one run, and not rows tied at the old one later', async () => {
    await insert([1, '2026-01-01 00:00:00+00'], [2, '2026-01-01 00:00:00+00']);
    const first = inc();
    expect(ids(await collect(first)).sort()).toEqual(['1', '2']);
    await insert([3, '2026-01-01 00:00:00+00'], [4, '2026-01-01 00:00:01+00']);
    const second = inc({ lastWatermark: first.summary().watermark });
    expect(ids(await collect(second))).toEqual(['4']); // 3 ties the stored watermark: documented as not read
  });

  it('works on numeric watermarks and queries with their own parameters', async () => {
    await insert([1, null], [2, null], [10, null]);
    const s = src({
      table: undefined,
      query: 'SELECT * FROM shop.orders WHERE note = $1',
      params: ['n'],
      watermarkColumn: 'id',
      lastWatermark: '1',
    });
    expect(ids(await collect(s))).toEqual(['2', '10']); // compared as bigint, not as text
    expect(s.summary().watermark).toBe('10');
    expect(
      buildSourceQuery({
        connectionString: 'x',
        query: 'SELECT 1',
        params: ['n'],
        columns,
        watermarkColumn: 'id',
        lastWatermark: '1',
        until: '9',
      }).sql,
    ).toContain('WHERE src."id" > $2 AND src."id" <= $3 ORDER BY src."id"');
  });
});

describe('failures and cleanup', () => {
  it('names host, port and database of an unreachable server, never the password', async () => {
    const e = await failure(
      postgresSource({ connectionString: 'postgresql://me:pw-secret@127.0.0.1:1/warehouse', table: 't', columns }),
    );
    expect(e.code).toBe('SOURCE_FAILED');
    expect(e.message).toMatch(/^cannot connect to the Postgres source at 127\.0\.0\.1:1\/warehouse: .*ECONNREFUSED/);
    expect(e.message).not.toContain('pw-secret');
  });

  it('reports an unknown role or database', async () => {
    const url = new URL(db.url);
    url.username = 'no_such_role';
    const e = await failure(postgresSource({ connectionString: url.toString(), table: 'shop.orders', columns }));
    expect(e.message).toMatch(/cannot connect to the Postgres source at .*: role "no_such_role" does not exist/);
    url.username = 'postgres';
    url.pathname = '/no_such_db';
    expect(
      (await failure(postgresSource({ connectionString: url.toString(), table: 'shop.orders', columns }))).message,
    ).toMatch(/:\d+\/no_such_db: database "no_such_db" does not exist/);
  });

  it('reports a missing table or column', async () => {
    const e = await failure(src({ table: 'shop.nope' }));
    expect(e.code).toBe('SOURCE_FAILED');
    expect(e.message).toMatch(
      /^reading shop\.nope from the Postgres source at .* failed: relation "shop\.nope" does not exist/,
    );
    expect((await failure(src({ columns: [{ name: 'colour', type: 'text' }] }))).message).toMatch(
      /column src\.colour does not exist/,
    );
    expect(await sourceConnections()).toBe(0);
  });

  it('closes the connection when the consumer stops early', async () => {
    const s = postgresSource({
      connectionString: db.url,
      table: 'shop.events',
      columns: [{ name: 'id', type: 'integer' }],
      orderBy: ['id'],
      batchSize: 100,
    });
    let n = 0;
    for await (const _ of s) {
      if (n === 0) expect(await sourceConnections()).toBe(1);
      if (++n === 150) break;
    }
    expect(s.summary()).toEqual({ rows: 150 });
    for (let i = 0; i < 100 && (await sourceConnections()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await sourceConnections()).toBe(0);
  });

  it('rejects bad options as USAGE errors', () => {
    expect(() => src({ query: 'SELECT 1' })).toThrow(/give either table or query/);
    expect(() => src({ table: 'a.b.c' })).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => src({ until: '2026-01-01' })).toThrow(/need a watermarkColumn/);
  });
});

describe('isoTimestamp', () => {
  it('turns Postgres ISO output into ISO 8601', () => {
    expect(isoTimestamp('2026-01-02 03:04:05.123456+05:30')).toBe('2026-01-02T03:04:05.123456+05:30');
    expect(isoTimestamp('2026-01-02 03:04:05-08')).toBe('2026-01-02T03:04:05-08:00');
    expect(isoTimestamp('2026-01-02 03:04:05+00')).toBe('2026-01-02T03:04:05Z');
    expect(isoTimestamp('2026-01-02 03:04:05')).toBe('2026-01-02T03:04:05');
    expect(isoTimestamp('infinity')).toBe('infinity');
  });
});
