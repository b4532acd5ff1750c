import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { tempProject } from '../support/sandbox';
import { cliDatabases, type CliDatabase } from '../support/both-databases';

/*
 * `sluice sql` and `sluice models show` on both databases: the three output formats with NULLs,
 * dates, numerics and quoting; a write refused by the READ ONLY transaction; a bad query's error
 * at its line and column; a model's error at its file and line.
 */
const p = tempProject();
const model = (name: string, body: string) => {
  mkdirSync(path.join(p.dir, 'sql', 'staging'), { recursive: true });
  writeFileSync(path.join(p.dir, 'sql', 'staging', `${name}.sql`), body);
};
model(
  'people_preview',
  `/* config\nmaterialized: view\n*/\nselect id, name, born, score\n  from public.people\n order by id\n`,
);
model('broken', `/* config\nmaterialized: view\n*/\nselect id,\n       nope\n  from public.people\n`);

let dbs: CliDatabase[];
beforeAll(async () => {
  dbs = await cliDatabases('sqlcmd', p);
  for (const d of dbs) {
    expect((await d.sluice(['db', 'migrate'])).code).toBe(0);
    await d.query(
      `CREATE TABLE public.people (id int PRIMARY KEY, name text, born date, score numeric(6,2), ok boolean);
       INSERT INTO public.people VALUES
         (1, 'Ada, "the first"', '1815-12-10', 1.50, true),
         (2, NULL, NULL, NULL, NULL),
         (3, '', '2026-01-02', 10, false);
       SELECT 1`,
    );
  }
}, 180_000);
afterAll(async () => {
  for (const d of dbs ?? []) await d.close();
  p.cleanup();
});

const QUERY = 'select id, name, born, score, ok from people order by id';

test('sql prints a table: NULL empty, dates ISO, numeric as Postgres prints it, a row count', async () => {
  for (const d of dbs) {
    const r = await d.sluice(['sql', QUERY]);
    expect([d.name, r.code, r.stderr]).toEqual([d.name, 0, '']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+born\s+score\s+ok$/);
    expect(lines[1]).toMatch(/^1\s+Ada, "the first"\s+1815-12-10\s+1\.50\s+t$/);
    expect(lines[2]).toBe('2');
    expect(lines[3]).toMatch(/^3\s+2026-01-02\s+10\.00\s+f$/);
    expect(lines[4]).toBe('(3 rows)');
  }
});

test('sql --json: an array of objects, null for NULL, typed integers and booleans, numeric and dates as text', async () => {
  for (const d of dbs) {
    const r = await d.sluice(['sql', QUERY, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { id: 1, name: 'Ada, "the first"', born: '1815-12-10', score: '1.50', ok: true },
      { id: 2, name: null, born: null, score: null, ok: null },
      { id: 3, name: '', born: '2026-01-02', score: '10.00', ok: false },
    ]);
  }
});

test('sql --csv: RFC 4180 quoting, NULL empty and an empty string quoted, as COPY … CSV writes them', async () => {
  for (const d of dbs) {
    const r = await d.sluice(['sql', QUERY, '--csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'id,name,born,score,ok\n1,"Ada, ""the first""",1815-12-10,1.50,t\n2,,,,\n3,"",2026-01-02,10.00,f\n',
    );
    expect(parse(r.stdout, { columns: true }) as Array<Record<string, string>>).toContainEqual(
      expect.objectContaining({ name: 'Ada, "the first"' }),
    );
  }
});

test('sql --limit keeps the first rows and says on stderr that there are more', async () => {
  for (const d of dbs) {
    const r = await d.sluice(['sql', QUERY, '--limit', '1', '--json']);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    expect(r.stderr).toMatch(/^\(the first 1 row; --limit <n> shows more\)\n$/);
  }
});

test('sql refuses a write (READ ONLY), a second statement, and reports a bad query at its line and column', async () => {
  for (const d of dbs) {
    const write = await d.sluice(['sql', `delete from people where id = 2`]);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/cannot execute DELETE in a read-only transaction/);
    expect(write.stderr).toMatch(/hint: sluice sql only reads/);
    const escape = await d.sluice(['sql', `commit; delete from people`]);
    expect(escape.code).toBe(1);
    expect(escape.stderr).toMatch(/cannot insert multiple commands/);
    expect(escape.stderr).toMatch(/hint: sluice sql runs one statement at a time: run each on its own/);
    expect(await d.query<{ n: number }>('SELECT count(*)::int AS n FROM public.people')).toEqual([{ n: 3 }]);

    const bad = await d.sluice(['sql', 'select id,\n  nope from people']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^error: query failed at line 2, column 3: column "nope" does not exist\n {4}nope from people\n {4}\^\n/,
    );
    expect((await d.sluice(['sql', QUERY, '--json', '--csv'])).code).toBe(2);
  }
});

test('models show compiles the model and prints its first rows, read-only, in every format', async () => {
  for (const d of dbs) {
    const t = await d.sluice(['models', 'show', 'people_preview']);
    expect([d.name, t.code]).toEqual([d.name, 0]);
    expect(t.stdout).toMatch(
      /^id\s+name\s+born\s+score\n1\s+Ada, "the first"\s+1815-12-10\s+1\.50\n2\n3\s+2026-01-02\s+10\.00\n\(3 rows\)\n$/,
    );
    const j = await d.sluice(['models', 'show', 'people_preview', '--limit', '2', '--json']);
    expect(JSON.parse(j.stdout)).toEqual([
      { id: 1, name: 'Ada, "the first"', born: '1815-12-10', score: '1.50' },
      { id: 2, name: null, born: null, score: null },
    ]);
    expect(j.stderr).toMatch(/the first 2 rows/);
    const c = await d.sluice(['models', 'show', 'people_preview', '--csv']);
    expect(c.stdout.split('\n')[2]).toBe('2,,,');
    // Nothing was built: the model is a view nobody created.
    expect(
      await d.query(`SELECT table_name FROM information_schema.views WHERE table_name = 'people_preview'`),
    ).toEqual([]);
  }
});

test('models show: an unknown model gets a did-you-mean, a failing one its file and line', async () => {
  for (const d of dbs) {
    const unknown = await d.sluice(['models', 'show', 'people_previw']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown model "people_previw" \(did you mean "people_preview"\?\)/);
    const broken = await d.sluice(['models', 'show', 'broken']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/model "broken" failed: sql\/staging\/broken\.sql:5: column "nope" does not exist/);
  }
});
