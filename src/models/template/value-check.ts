/**
 * Checking where values landed in rendered SQL. Each value a template prints (a var, the run
 * context, `literal`, `ident`, a relation) is wrapped in invisible markers while rendering; here
 * they are stripped and the SQL is lexed with Postgres' rules. A value must be whole tokens in SQL
 * code: not inside a quoted string or identifier (`'{{var "s"}}'` would end the string there), not
 * glued to a word or quote (`x{{var "n"}}`), and inside a comment only if it cannot end it. The
 * same pass finds a second statement and NUL bytes, at their file and line.
 */
import { randomBytes } from 'node:crypto';
import type { Issue } from '../../errors/errors';
import type { FilePosition } from '../types';
import { isWordChar, lexSql, secondStatement, type Token } from './sql-lexer';

const NONCE = randomBytes(6).toString('hex');
const START = `\u0001${NONCE}v`;
const END = `\u0001${NONCE}e\u0002`;
const MARKER = new RegExp(`\u0001${NONCE}(?:v(\\d+)|e)\u0002`, 'g');

/** A value printed while rendering: what it is and where the template printed it. */
export interface PrintedValue {
  readonly label: string;
  readonly at: FilePosition;
  /** For a value (a var, `concat`): the expression that printed it (`m`, `(var "x")`), for the fix a message suggests. */
  readonly expression?: string;
}

export function markValue(id: number, text: string): string {
  return `${START}${id}\u0002${text}${END}`;
}

interface Span {
  readonly id: number;
  readonly start: number;
  readonly end: number;
}

/** Strips the markers from `lines` and reports misplaced values, a second statement and NUL bytes. */
export function checkRenderedSql(
  rendered: { lines: readonly string[]; map: readonly FilePosition[] },
  values: readonly PrintedValue[],
): { lines: string[]; map: FilePosition[]; issues: Issue[] } {
  const marked = rendered.lines.join('\n');
  const spans: Span[] = [];
  let text = marked;
  if (marked.includes('\u0001')) {
    text = '';
    let last = 0;
    const open: { id: number; start: number }[] = [];
    MARKER.lastIndex = 0;
    for (let m = MARKER.exec(marked); m; m = MARKER.exec(marked)) {
      text += marked.slice(last, m.index);
      last = MARKER.lastIndex;
      if (m[1] !== undefined) open.push({ id: Number(m[1]), start: text.length });
      else {
        const o = open.pop();
        // Values do not nest (a value's text is made by Sluice), but an outer one would only be checked less.
        if (o && !open.length) spans.push({ id: o.id, start: o.start, end: text.length });
      }
    }
    text += marked.slice(last);
  }
  const issues: Issue[] = [];
  const tokens = lexSql(text);
  // A template position printed in a loop is reported once, for its first value.
  const reported = new Set<string>();
  for (const span of spans) {
    const v = values[span.id];
    const where = v ? `${v.at.file}:${v.at.line}:${v.at.column}` : undefined;
    if (where !== undefined && reported.has(where)) continue;
    const problem = misplaced(text, tokens, span, v?.expression);
    if (problem) {
      if (where !== undefined) reported.add(where);
      issues.push({ message: `${v?.label ?? 'a value'} ${problem}`, ...(v?.at ?? {}) });
    }
  }
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const at = (offset: number): FilePosition => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
    const source = rendered.map[line];
    return { file: source?.file ?? '', line: source?.line ?? line + 1, column: offset - lineStarts[line] + 1 };
  };
  const nul = text.indexOf('\u0000');
  if (nul !== -1)
    issues.push({
      message: 'the SQL contains a NUL byte (\\u0000): Postgres would cut the statement there',
      ...at(nul),
    });
  const second = secondStatement(tokens, text);
  if (second !== undefined) {
    issues.push({
      message:
        'a second SQL statement starts here: a model is one statement (a SELECT), and Sluice sends it so that Postgres refuses a second one',
      ...at(second),
    });
  }
  return { lines: text.split('\n'), map: [...rendered.map], issues };
}

const QUOTES = `'"`;

function misplaced(text: string, tokens: readonly Token[], span: Span, expression?: string): string | undefined {
  if (span.end === span.start) return undefined;
  const first = tokenAt(tokens, span.start);
  const last = tokenAt(tokens, span.end - 1);
  const value = text.slice(span.start, span.end);
  if (first && first === last && first.kind === 'comment' && first.start < span.start) {
    return /\/\*|\*\/|[\n\r]/.test(value)
      ? 'is printed inside a comment and would end it (its text has a line break or a comment mark); move it out of the comment'
      : undefined;
  }
  const before = text[span.start - 1];
  const after = text[span.end];
  if (first && first.start !== span.start) {
    if (first.kind === 'string') {
      // '{{m}}' as in Jinja: the value already is the whole literal.
      if (expression !== undefined && first.start === span.start - 1 && text[span.end] === "'")
        return `is printed inside a quoted string ('${describe(text, span.start, span.end)}'): a value prints as a whole SQL literal, so write {{${expression}}} without the quotes`;
      return `is printed inside a quoted string (${describe(text, first.start, span.start)}…): a value prints as a whole SQL literal, so there it would end the string; write it outside the quotes (e.g. 'text ' || value)`;
    }
    if (first.kind === 'quoted')
      return 'is printed inside a quoted identifier ("…"); build names with {{ident …}} instead';
    if (first.kind === 'comment')
      return 'is printed inside a comment and would end it (its text has a line break or a comment mark); move it out of the comment';
    const glued = text.slice(first.start, span.start);
    return (
      nameFix(text, span, expression, `the "${glued}" before it`) ??
      `is glued to the "${glued}" before it and would change that token; put a space or an operator between them (build names with {{ident …}})`
    );
  }
  if (isWordChar(before) || (before !== undefined && QUOTES.includes(before))) {
    const glued = QUOTES.includes(before!) ? 'quote' : `"${wordBefore(text, span.start)}"`;
    return (
      (QUOTES.includes(before!) ? undefined : nameFix(text, span, expression, `the ${glued} before it`)) ??
      `is glued to the ${glued} before it; put a space or an operator between them (a value is a literal, not part of a name: build names with {{ident …}})`
    );
  }
  if (last && last.end !== span.end)
    return `would run into the "${text.slice(span.end, Math.min(last.end, span.end + 20))}" after it; put a space or an operator between them`;
  if (isWordChar(after) || (after !== undefined && QUOTES.includes(after))) {
    const glued = text.slice(span.end, span.end + 20).split(/[^A-Za-z0-9_$'"]/)[0];
    return (
      (QUOTES.includes(after!) ? undefined : nameFix(text, span, expression, `the "${glued}" after it`)) ??
      `is glued to the "${glued}" after it; put a space or an operator between them`
    );
  }
  return undefined;
}

/**
 * A value glued to a word is someone building a name (dbt's `{{ m }}_amount`); a space would leave
 * a literal where a name belongs, so the fix is `{{ident (concat m "_amount")}}`, words on both sides kept.
 */
function nameFix(text: string, span: Span, expression: string | undefined, glued: string) {
  const before = wordBefore(text, span.start);
  const after = wordAfter(text, span.end);
  // Digits alone are a number run together with it, not a name being built.
  if (expression === undefined || !/[^0-9]/.test(before + after)) return undefined;
  const parts = [...(before ? [JSON.stringify(before)] : []), expression, ...(after ? [JSON.stringify(after)] : [])];
  return `is glued to ${glued}: a value prints as a SQL literal, here ${describe(text, span.start, span.end)}, not as part of a name; to build a name write {{ident (concat ${parts.join(' ')})}}`;
}

function tokenAt(tokens: readonly Token[], offset: number): Token | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid];
    if (offset < t.start) hi = mid - 1;
    else if (offset >= t.end) lo = mid + 1;
    else return t;
  }
  return undefined;
}

function wordBefore(text: string, at: number): string {
  let i = at;
  while (i > 0 && isWordChar(text[i - 1]) && at - i < 30) i--;
  return text.slice(i, at);
}

function wordAfter(text: string, at: number): string {
  let i = at;
  while (i < text.length && isWordChar(text[i]) && i - at < 30) i++;
  return text.slice(at, i);
}

/** The text from `from` up to `to`, at most 30 characters of it. */
function describe(text: string, from: number, to: number): string {
  return text.slice(from, Math.min(to, from + 30));
}
