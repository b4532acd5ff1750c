import { parse } from 'csv-parse/sync';
import { csvRecordParser, type CsvDialect, type CsvRecord } from '../../src/lake/csv-reader';

/** Parses `chunks` as one stream would deliver them. */
function read(chunks: string | string[], dialect?: CsvDialect): CsvRecord[] {
  const p = csvRecordParser(dialect, 'in.csv');
  const out: CsvRecord[] = [];
  for (const c of typeof chunks === 'string' ? [chunks] : chunks) p.push(c, out);
  p.end(out);
  return out;
}

const fields = (r: CsvRecord[]) => r.map((x) => x.error ?? x.fields);

/** A small seeded generator, so a failing case can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

describe('csv record reader', () => {
  test('null for an unquoted empty field, the empty string for a quoted one', () => {
    expect(fields(read('a,,"",b\n'))).toEqual([['a', null, '', 'b']]);
    expect(fields(read(',\n'))).toEqual([[null, null]]);
    expect(fields(read('a,\n'))).toEqual([['a', null]]);
    expect(fields(read('a,'))).toEqual([['a', null]]);
    expect(fields(read('""'))).toEqual([['']]);
  });

  test('quoted fields keep delimiters, doubled quotes and newlines; line numbers count them', () => {
    const text = 'id,note\n1,"a, ""b""\nsecond line"\n2,plain\r\n3,"x\r\ny"\r\n\n4,last';
    const r = read(text);
    expect(fields(r)).toEqual([
      ['id', 'note'],
      ['1', 'a, "b"\nsecond line'],
      ['2', 'plain'],
      ['3', 'x\r\ny'],
      ['4', 'last'],
    ]);
    expect(r.map((x) => x.line)).toEqual([1, 2, 4, 5, 8]);
    expect(r[1].raw).toBe('1,"a, ""b""\nsecond line"');
    expect(r[3].raw).toBe('3,"x\r\ny"');
  });

  test('a BOM and blank lines are skipped', () => {
    const r = read('\uFEFFa,b\n\n\r\n1,2\n');
    expect(fields(r)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(r[1].line).toBe(4);
  });

  test('another delimiter and quote', () => {
    expect(fields(read("a;'x;''y'''\n", { delimiter: ';', quote: "'" }))).toEqual([['a', "x;'y'"]]);
    expect(fields(read('a\tb\t\n', { delimiter: '\t' }))).toEqual([['a', 'b', null]]);
    expect(() => read('', { delimiter: ';;' })).toThrow(/delimiter must be one character/);
    expect(() => read('', { delimiter: '"' })).toThrow(/both/);
  });

  test('malformed records are returned with the problem, and reading resumes on the next line', () => {
    const r = read('a,b\n1,x"y\n2,"ok"z,3\n3,"fine"\n');
    expect(r.map((x) => [x.line, x.error ?? x.fields, x.raw])).toEqual([
      [1, ['a', 'b'], 'a,b'],
      [2, 'a quote inside an unquoted field (quote the whole field and double the quote)', '1,x"y'],
      [3, 'text after a closing quote', '2,"ok"z,3'],
      [4, ['3', 'fine'], '3,"fine"'],
    ]);
    const open = read('a\n"never closed\nmore');
    expect(open[1]).toEqual({
      fields: [],
      line: 2,
      raw: '"never closed\nmore',
      error: 'a quoted field is not closed before the end of the file',
    });
  });

  test('the same records whatever the chunk boundaries', () => {
    const text = '\uFEFFid,"no""te",x\r\n1,"a,\r\nb""",\r\n2,,""\n\n3,"😀é",z\n4,bad"q,1\n5,"",\r\n';
    const whole = read(text);
    for (let i = 0; i <= text.length; i++) {
      for (const j of [i, Math.min(text.length, i + 1), Math.min(text.length, i + 3)]) {
        expect(read([text.slice(0, i), text.slice(i, j), text.slice(j)])).toEqual(whole);
      }
    }
  });

  test('agrees with csv-parse on random well-formed CSV (empty vs null aside)', () => {
    const next = rng(42);
    const pieces = ['a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '😀', 'xyz'];
    for (let round = 0; round < 200; round++) {
      const rows: string[][] = [];
      const width = 1 + Math.floor(next() * 4);
      for (let r = 0; r < 1 + Math.floor(next() * 6); r++) {
        rows.push(
          Array.from({ length: width }, () =>
            Array.from({ length: Math.floor(next() * 4) }, () => pieces[Math.floor(next() * pieces.length)]).join(''),
          ),
        );
      }
      if (width === 1)
        rows.forEach((row) => {
          if (row[0] === '') row[0] = 'e';
        });
      const eol = next() < 0.5 ? '\n' : '\r\n';
      const text =
        rows
          .map((row) =>
            row.map((f) => (/[",\r\n]/.test(f) || next() < 0.2 ? `"${f.replace(/"/g, '""')}"` : f)).join(','),
          )
          .join(eol) + (next() < 0.5 ? eol : '');
      const cut = Math.floor(next() * text.length);
      const mine = read([text.slice(0, cut), text.slice(cut)]).map((x) => x.fields.map((f) => f ?? ''));
      const theirs = parse(text, { relax_column_count: true, record_delimiter: ['\r\n', '\n'] }) as string[][];
      expect(mine).toEqual(theirs);
      expect(mine).toEqual(rows);
    }
  });
});
