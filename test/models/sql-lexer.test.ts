import { lexSql, secondStatement } from '../../src/models/template/sql-lexer';

const second = (sql: string) => {
  const at = secondStatement(lexSql(sql), sql);
  return at === undefined ? undefined : sql.slice(at, at + 4);
};
const kinds = (sql: string) =>
  lexSql(sql)
    .filter((t) => t.kind !== 'space')
    .map((t) => `${t.kind}:${sql.slice(t.start, t.end)}`);

test('a ; inside strings, quoted names, dollar quotes and comments is no second statement; trailing ones are fine', () => {
  expect(second("select 'a;b', E'it\\'s;', \"x;y\", $$;$$, $t$ ; $t$ /* ; /* ; */ ; */ -- ;\n;")).toBeUndefined();
  expect(second("select 'it''s'; drop table x")).toBe('drop');
  expect(second('select 1 /* a */ ; /* b */ select 2')).toBe('sele');
  expect(second("select E'\\'' ; x")).toBe('x');
  expect(second("select '\\' ; x")).toBe('x'); // standard strings: a backslash is just a character
  expect(second('select a$b$c ; x')).toBe('x'); // $ inside a word starts no dollar quote
});

test('tokens end where Postgres ends them', () => {
  expect(kinds('10--1 and x')).toEqual(['number:10', 'comment:--1 and x']);
  expect(kinds('10-(-1)')).toEqual(['number:10', 'op:-', 'punct:(', 'op:-', 'number:1', 'punct:)']);
  expect(kinds("xE'a' E'b''c' U&\"d\" 1.5e-3 $1::int")).toEqual([
    'word:xE',
    "string:'a'",
    "string:E'b''c'",
    'quoted:U&"d"',
    'number:1.5e-3',
    'word:$1',
    'punct::',
    'punct::',
    'word:int',
  ]);
});
