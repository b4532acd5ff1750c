import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileSource, type FileSourceOptions } from '../../src/ingest/file-source';
import type { RejectedRow } from '../../src/ingest/rejects';
import type { ColumnSpec, SourceRow } from '../../src/lake/column-spec';

const columns: ColumnSpec[] = [
  { name: 'id', type: 'integer', nullable: false },
  { name: 'name', type: 'text' },
  { name: 'amount', type: 'numeric' },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
  await writeFile(path.join(dir, name), content);
}

async function readAll(o: Partial<FileSourceOptions> & { path: string }): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const r of fileSource({ columns, cwd: dir, ...o })) rows.push(r);
  return rows;
}

async function failure(
  o: Partial<FileSourceOptions> & { path: string },
): Promise<Error & { code?: string; issues?: unknown[] }> {
  try {
    await readAll(o);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the read to fail');
}

describe('file source: CSV', () => {
  test('a header maps columns by name (order and extra columns do not matter); values are coerced', async () => {
    await put('orders.csv', 'amount,extra,id,name\n12.50,x,1,Ann\n,y,2,""\n0.5,z,3,\n');
    const rows = await readAll({ path: 'orders.csv' });
    expect(rows).toEqual([
      { values: { id: 1, name: 'Ann', amount: '12.50' }, at: 'orders.csv line 2' },
      { values: { id: 2, name: '', amount: null }, at: 'orders.csv line 3' },
      { values: { id: 3, name: null, amount: '0.5' }, at: 'orders.csv line 4' },
    ]);
  });

  test('without a header, fields map by position in declared order', async () => {
    await put('orders.csv', '1,Ann,12.50\n2,Bo,3\n');
    expect((await readAll({ path: 'orders.csv', header: false })).map((r) => r.values)).toEqual([
      { id: 1, name: 'Ann', amount: '12.50' },
      { id: 2, name: 'Bo', amount: '3' },
    ]);
  });

  test('quoted newlines stay in the value and later rows keep their real line numbers', async () => {
    await put('notes.csv', 'id,name,amount\n1,"two\nlines, ""quoted""",1\n2,after,2\n');
    const rows = await readAll({ path: 'notes.csv' });
    expect(rows.map((r) => [r.at, r.values.name])).toEqual([
      ['notes.csv line 2', 'two\nlines, "quoted"'],
      ['notes.csv line 4', 'after'],
    ]);
  });

  test('delimiter and quote options; .tsv defaults to tabs', async () => {
    await put('a.csv', "id;name;amount\n1;'a;b';2\n");
    expect((await readAll({ path: 'a.csv', delimiter: ';', quote: "'" }))[0].values).toEqual({
      id: 1,
      name: 'a;b',
      amount: '2',
    });
    await put('b.tsv', 'id\tname\tamount\n1\tx y\t2\n');
    expect((await readAll({ path: 'b.tsv' }))[0].values).toEqual({ id: 1, name: 'x y', amount: '2' });
  });

  test('gzip by the .gz extension', async () => {
    await put('orders.csv.gz', gzipSync('id,name,amount\n1,Zoë,1.25\n'));
    expect(await readAll({ path: 'orders.csv.gz' })).toEqual([
      { values: { id: 1, name: 'Zoë', amount: '1.25' }, at: 'orders.csv.gz line 2' },
    ]);
  });

  test('a glob reads every match in sorted order', async () => {
    await put('in/2026-01-02.csv', 'id,name,amount\n3,c,3\n');
    await put('in/2026-01-01.csv', 'id,name,amount\n1,a,1\n2,b,2\n');
    await put('in/2026-01-03.csv.gz', gzipSync('id,name,amount\n4,d,4\n'));
    await put('in/ignored.txt', 'x');
    const src = fileSource({ path: 'in/*.csv*', columns, cwd: dir });
    const rows: SourceRow[] = [];
    for await (const r of src) rows.push(r);
    expect(rows.map((r) => r.at)).toEqual([
      'in/2026-01-01.csv line 2',
      'in/2026-01-01.csv line 3',
      'in/2026-01-02.csv line 2',
      'in/2026-01-03.csv.gz line 2',
    ]);
    expect(src.stats()).toEqual({ files: 3, rows: 4, rejected: 0 });
    expect(src.summary()).toEqual({ rows: 4 });
  });

  test('a header without a declared column stops the read, naming the file and the column', async () => {
    await put('orders.csv', 'id,name\n1,a\n');
    const e = await failure({ path: 'orders.csv' });
    expect(e.code).toBe('INPUT_MALFORMED');
    expect(e.message).toBe('orders.csv: the header lacks declared column "amount" (it has "id", "name")');
  });

  test('an empty file has no header to check; a header-only file has no rows', async () => {
    await put('empty.csv', '');
    expect((await failure({ path: 'empty.csv' })).message).toBe('empty.csv: the file is empty; expected a header row');
    await put('header.csv', 'id,name,amount\n');
    expect(await readAll({ path: 'header.csv' })).toEqual([]);
    await put('dup.csv', 'id,name,amount,id\n');
    expect((await failure({ path: 'dup.csv' })).message).toBe('dup.csv line 1: the header names column "id" twice');
  });

  test("extraColumns: 'error' refuses undeclared header columns", async () => {
    await put('orders.csv', 'id,name,amount,secret\n1,a,1,x\n');
    const e = await failure({ path: 'orders.csv', extraColumns: 'error' });
    expect(e.message).toBe('orders.csv: the header has undeclared column "secret" (extraColumns: \'error\')');
    await put('plain.csv', '1,a,1,x\n');
    expect((await failure({ path: 'plain.csv', header: false, extraColumns: 'error' })).message).toBe(
      'plain.csv line 1: expected 3 fields, found 4',
    );
    expect(await readAll({ path: 'plain.csv', header: false })).toHaveLength(1);
  });

  test('a malformed row fails the read with the file, line and column', async () => {
    await put('orders.csv', 'id,name,amount\n1,a,1\n2,b,"12,5"\n');
    const e = await failure({ path: 'orders.csv' });
    expect(e.code).toBe('INPUT_MALFORMED');
    expect(e.message).toBe('orders.csv line 3: column "amount" (numeric): "12,5" is not a number');
    expect(e.issues).toEqual([
      { message: 'column "amount" (numeric): "12,5" is not a number', file: 'orders.csv', line: 3 },
    ]);
    await put('short.csv', 'id,name,amount\n1,a\n');
    expect((await failure({ path: 'short.csv' })).message).toBe(
      'short.csv line 2: expected 3 fields (as in the header), found 2',
    );
  });

  test('reject mode skips bad rows, hands them to the sink with their text, and counts them', async () => {
    await put('orders.csv', 'id,name,amount\n1,a,1\nx,b,2\n3,c\n4,"d"e,4\n,e,5\n6,"multi\nline",x\n7,g,7\n');
    const rejected: RejectedRow[] = [];
    const src = fileSource({
      path: 'orders.csv',
      columns,
      cwd: dir,
      onMalformed: 'reject',
      onReject: (r) => {
        rejected.push(r);
      },
    });
    const ids: unknown[] = [];
    for await (const r of src) ids.push(r.values.id);
    expect(ids).toEqual([1, 7]);
    expect(rejected).toEqual([
      { at: 'orders.csv line 3', error: 'column "id" (integer): "x" is not a number', raw: 'x,b,2' },
      { at: 'orders.csv line 4', error: 'expected 3 fields (as in the header), found 2', raw: '3,c' },
      { at: 'orders.csv line 5', error: 'text after a closing quote', raw: '4,"d"e,4' },
      {
        at: 'orders.csv line 6',
        error: 'column "id" (integer): null is not allowed: the column is not nullable',
        raw: ',e,5',
      },
      { at: 'orders.csv line 7', error: 'column "amount" (numeric): "x" is not a number', raw: '6,"multi\nline",x' },
    ]);
    expect(src.stats()).toEqual({ files: 1, rows: 2, rejected: 5 });
  });

  test('reject mode needs a sink', () => {
    expect(() => fileSource({ path: 'x.csv', columns, onMalformed: 'reject' })).toThrow(
      "onMalformed: 'reject' needs an onReject sink",
    );
  });
});

describe('file source: JSON and NDJSON', () => {
  test('a top-level JSON array', async () => {
    await put(
      'orders.json',
      '[\n {"id": 1, "name": "Ann", "amount": 12.5, "other": true},\n {"id": "2", "amount": "0.10"}\n]',
    );
    expect(await readAll({ path: 'orders.json' })).toEqual([
      { values: { id: 1, name: 'Ann', amount: '12.5' }, at: 'orders.json record 1 (line 2)' },
      { values: { id: 2, name: null, amount: '0.10' }, at: 'orders.json record 2 (line 3)' },
    ]);
  });

  test('an array at a record path, gzipped', async () => {
    await put(
      'page.json.gz',
      gzipSync(JSON.stringify({ meta: { count: 2 }, data: { items: [{ id: 1 }, { id: 2, name: 'b' }] } })),
    );
    expect((await readAll({ path: 'page.json.gz', recordPath: 'data.items' })).map((r) => r.values)).toEqual([
      { id: 1, name: null, amount: null },
      { id: 2, name: 'b', amount: null },
    ]);
    expect((await failure({ path: 'page.json.gz', recordPath: 'data.rows' })).message).toBe(
      'page.json.gz line 1: no records array at "data.rows"',
    );
  });

  test('NDJSON (and .jsonl), blank lines skipped', async () => {
    await put('a.ndjson', '{"id":1,"name":"x"}\n\n{"id":2,"amount":3}\n');
    expect((await readAll({ path: 'a.ndjson' })).map((r) => [r.at, r.values])).toEqual([
      ['a.ndjson line 1', { id: 1, name: 'x', amount: null }],
      ['a.ndjson line 3', { id: 2, name: null, amount: '3' }],
    ]);
    await put('b.jsonl', '{"id":5}\n');
    expect(await readAll({ path: 'b.jsonl' })).toHaveLength(1);
  });

  test('bad JSON records fail or are rejected with their text', async () => {
    await put('a.ndjson', '{"id":1}\n{"id":\n[1]\n{"id":1.5}\n{"id":2,"zzz":1}\n');
    expect((await failure({ path: 'a.ndjson' })).message).toMatch(/^a\.ndjson line 2: the line is not valid JSON \(/);
    const rejected: RejectedRow[] = [];
    const rows = await readAll({
      path: 'a.ndjson',
      onMalformed: 'reject',
      onReject: (r) => {
        rejected.push(r);
      },
      extraColumns: 'error',
    });
    expect(rows.map((r) => r.values.id)).toEqual([1]);
    expect(rejected.map((r) => [r.at, r.error.replace(/ \(.*\)$/, ' (…)'), r.raw])).toEqual([
      ['a.ndjson line 2', 'the line is not valid JSON (…)', '{"id":'],
      ['a.ndjson line 3', 'the line is an array, not an object', '[1]'],
      ['a.ndjson line 4', 'column "id" (integer): 1.5 is not an integer', '{"id":1.5}'],
      ['a.ndjson line 5', 'the line has undeclared field "zzz" (…)', '{"id":2,"zzz":1}'],
    ]);
    await put('b.json', '[{"id": 1}, 7]');
    expect((await failure({ path: 'b.json' })).message).toBe(
      'b.json record 2 (line 1): the record is a number, not an object',
    );
  });
});

describe('file source: finding and opening files', () => {
  test('a glob without a match names the pattern', async () => {
    const e = await failure({ path: 'landing/*.csv' });
    expect(e.code).toBe('SOURCE_FAILED');
    expect(e.message).toBe(`no file matches "landing/*.csv" (in ${dir})`);
  });

  test('a missing file, a corrupt gzip and an unknown extension', async () => {
    expect((await failure({ path: 'nope.csv' })).message).toBe(`no such file: nope.csv (in ${dir})`);
    await put('bad.csv.gz', 'not gzip at all');
    const e = await failure({ path: 'bad.csv.gz' });
    expect(e.code).toBe('SOURCE_FAILED');
    expect(e.message).toMatch(/^cannot read bad\.csv\.gz: /);
    await put('x.dat', '1');
    expect((await failure({ path: 'x.dat' })).message).toMatch(/cannot tell the format of .*x\.dat from its extension/);
    expect(
      await readAll({ path: 'x.dat', format: 'csv', header: false, columns: [{ name: 'id', type: 'integer' }] }),
    ).toEqual([{ values: { id: 1 }, at: 'x.dat line 1' }]);
  });

  test('stopping early stops reading', async () => {
    await put('many.csv', `id,name,amount\n${Array.from({ length: 5000 }, (_, i) => `${i},n,1`).join('\n')}\n`);
    const src = fileSource({ path: 'many.csv', columns, cwd: dir });
    let n = 0;
    for await (const _ of src) if (++n === 10) break;
    expect(src.stats().rows).toBe(10);
  });
});
