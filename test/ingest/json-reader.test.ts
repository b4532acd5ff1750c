import { jsonArrayScanner, lineSplitter, type JsonLine, type JsonRecordText } from '../../src/ingest/json-reader';

function records(chunks: string | string[], path = ''): JsonRecordText[] {
  const s = jsonArrayScanner(path, 'in.json');
  const out: JsonRecordText[] = [];
  for (const c of typeof chunks === 'string' ? [chunks] : chunks) s.push(c, out);
  s.end(out);
  return out;
}

describe('json array scanner', () => {
  test('a top-level array: each element as text, with its index and line', () => {
    const r = records('[\n  {"a": 1},\n  {"a": "x]},{"},\n  [1, {"b": [2]}], "s", 12, true, null\n]\n');
    expect(r.map((x) => [x.index, x.line, x.text])).toEqual([
      [1, 2, '{"a": 1}'],
      [2, 3, '{"a": "x]},{"}'],
      [3, 4, '[1, {"b": [2]}]'],
      [4, 4, '"s"'],
      [5, 4, '12'],
      [6, 4, 'true'],
      [7, 4, 'null'],
    ]);
    expect(records('[]')).toEqual([]);
  });

  test('an array at a dotted path, skipping everything around it', () => {
    const doc =
      '{"meta": {"items": [0], "data": 1}, "data": {"next": "x", "items": [{"id": 1}, {"id": 2, "items": [9]}], "after": [3]}, "items": [4]}';
    expect(records(doc, 'data.items').map((x) => JSON.parse(x.text))).toEqual([{ id: 1 }, { id: 2, items: [9] }]);
    expect(records('{"d\\u0061ta": {"items": [{"k": "\\"}"}]}}', 'data.items').map((x) => JSON.parse(x.text))).toEqual([
      { k: '"}' },
    ]);
  });

  test('the same records whatever the chunk boundaries', () => {
    const doc =
      '\uFEFF{"x": "a\\"b", "data": {"items": [ {"s": "é😀\\\\", "n": [1, 2]} , "str\\"ing", -1.5e3, {"z": {}} ]}}';
    const whole = records(doc, 'data.items');
    expect(whole.map((x) => x.text)).toEqual(['{"s": "é😀\\\\", "n": [1, 2]}', '"str\\"ing"', '-1.5e3', '{"z": {}}']);
    for (let i = 0; i <= doc.length; i++) {
      for (const j of [i, Math.min(doc.length, i + 1), Math.min(doc.length, i + 5)]) {
        expect(records([doc.slice(0, i), doc.slice(i, j), doc.slice(j)], 'data.items')).toEqual(whole);
      }
    }
  });

  test('a missing or wrongly shaped records array is an error with the line', () => {
    expect(() => records('{"a": []}')).toThrow(
      'in.json line 1: expected the records array at the top level, found an object',
    );
    expect(() => records('{"data": {"rows": []}}', 'data.items')).toThrow(
      'in.json line 1: no records array at "data.items"',
    );
    expect(() => records('{"data": [1]}', 'data.items')).toThrow(
      'in.json line 1: expected an object at "data" on the way to the records at "data.items", found an array',
    );
    expect(() => records('{"data":\n {"items": {"a": 1}}}', 'data.items')).toThrow(
      'in.json line 2: expected the records array at "data.items", found an object',
    );
    expect(() => records('[{"a": 1}, {"a":')).toThrow(
      'in.json line 1: the JSON ends early (an unclosed string, array or object)',
    );
    expect(() => records('[{"a": 1}\n {"a": 2}]')).toThrow(
      'in.json line 2: expected "," or "]" after record 1 at the top level',
    );
    expect(() => records('[1] [2]')).toThrow('more than one top-level value');
    expect(() => records('  ')).toThrow('in.json line 1: the file holds no JSON value');
  });

  test('a bad element is still cut out as one record (JSON.parse judges it later)', () => {
    expect(records('[{"a": 1}, {"a": nope}, {"a": 3}]').map((x) => x.text)).toEqual([
      '{"a": 1}',
      '{"a": nope}',
      '{"a": 3}',
    ]);
  });
});

describe('ndjson lines', () => {
  test('one record per line, blank lines skipped, CRLF handled, whatever the chunks', () => {
    const text = '\uFEFF{"a":1}\r\n\n  \n{"a":"x\\ny"}\n{"a":3}';
    const run = (chunks: string[]) => {
      const s = lineSplitter('in.ndjson');
      const out: JsonLine[] = [];
      for (const c of chunks) s.push(c, out);
      s.end(out);
      return out;
    };
    const whole = run([text]);
    expect(whole).toEqual([
      { text: '{"a":1}', line: 1 },
      { text: '{"a":"x\\ny"}', line: 4 },
      { text: '{"a":3}', line: 5 },
    ]);
    for (let i = 0; i <= text.length; i++) expect(run([text.slice(0, i), text.slice(i)])).toEqual(whole);
  });
});
