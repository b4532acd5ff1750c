/**
 * Where each line of rendered SQL came from. When a project loads, every template's text gets an
 * invisible marker after each newline ("from here on: file F, line L"); `{{#each}}`, `{{#if}}` and
 * partials then carry the right markers into the output, which `decodeLineMarkers` strips while
 * building the line map. The nonce keeps a var's text from ever posing as a marker.
 */
import { randomBytes } from 'node:crypto';
import type { FilePosition } from '../types';
import type { Program } from './parse';

const NONCE = randomBytes(6).toString('hex');
const OPEN = `\u0001${NONCE}`;
const CLOSE = '\u0002';
const MARKER = new RegExp(`${OPEN}(p?)(\\d+):(\\d+)${CLOSE}`, 'g');

const marker = (fileIndex: number, line: number) => `${OPEN}${fileIndex}:${line}${CLOSE}`;
/** Pins the current output line to the caller: a partial used inside a line does not claim it. */
const pin = (fileIndex: number, line: number) => `${OPEN}p${fileIndex}:${line}${CLOSE}`;

function content(value: string, loc: hbs.AST.SourceLocation): hbs.AST.ContentStatement {
  return { type: 'ContentStatement', value, original: '' as never, loc };
}

/** Annotates a parsed template (file index `fileIndex`, template line 1 = file line `lineOffset`). */
export function insertLineMarkers(ast: Program, fileIndex: number, lineOffset: number): void {
  const fileLine = (templateLine: number) => lineOffset + templateLine - 1;
  const visit = (p: Program | undefined) => {
    if (!p) return;
    const body: hbs.AST.Statement[] = [];
    p.body.forEach((s, i) => {
      if (s.type === 'ContentStatement') markContent(s as hbs.AST.ContentStatement, fileIndex, fileLine);
      else if (s.type === 'BlockStatement') {
        visit((s as hbs.AST.BlockStatement).program);
        visit((s as hbs.AST.BlockStatement).inverse);
      }
      if (s.type !== 'PartialStatement') {
        body.push(s);
        return;
      }
      // Macros lose their trailing newline (so `{{> m}}` works inside a line); a partial on a line
      // of its own gets it back. Text after a partial continues the caller's line.
      const standalone = isStandalone(p.body, i, p === ast);
      if (!standalone) body.push(content(pin(fileIndex, fileLine(s.loc.start.line)), s.loc));
      body.push(s);
      const end = s.loc.end.line;
      body.push(
        content(standalone ? `\n${marker(fileIndex, fileLine(end + 1))}` : marker(fileIndex, fileLine(end)), s.loc),
      );
    });
    p.body = body;
  };
  visit(ast);
  ast.body.unshift(content(marker(fileIndex, lineOffset), ast.loc));
}

/** Handlebars' own test for a tag alone on its line (whitespace-control.js), on the text as written. */
function isStandalone(body: readonly hbs.AST.Statement[], i: number, isRoot: boolean): boolean {
  const original = (s: hbs.AST.Statement | undefined) =>
    s?.type === 'ContentStatement' ? String((s as hbs.AST.ContentStatement).original) : undefined;
  const prev = body[i - 1];
  const next = body[i + 1];
  const prevOk = !prev
    ? isRoot
    : original(prev) !== undefined && (body[i - 2] || !isRoot ? /\r?\n\s*?$/ : /(^|\r?\n)\s*?$/).test(original(prev)!);
  const nextOk = !next
    ? isRoot
    : original(next) !== undefined && (body[i + 2] || !isRoot ? /^\s*?\r?\n/ : /^\s*?(\r?\n|$)/).test(original(next)!);
  return prevOk && nextOk;
}

/**
 * Handlebars strips standalone tag lines from `value` but keeps the text as written in `original`;
 * the stripped prefix tells on which line `value` starts and whether it starts a fresh line.
 */
function markContent(s: hbs.AST.ContentStatement, fileIndex: number, fileLine: (l: number) => number): void {
  const value = s.value;
  const original = s.original as unknown as string;
  let skipped = 0;
  if (typeof original === 'string' && original !== value) {
    // Only leading whitespace is ever stripped, so stop at the first non-space character.
    for (let k = 0; k + value.length <= original.length && (k === 0 || /\s/.test(original[k - 1])); k++) {
      if (original.startsWith(value, k)) {
        skipped = k;
        break;
      }
    }
  }
  const prefixNewlines = skipped ? countNewlines(original.slice(0, skipped)) : 0;
  let line = s.loc.start.line + prefixNewlines;
  let out = prefixNewlines ? marker(fileIndex, fileLine(line)) : '';
  let from = 0;
  for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) {
    line++;
    out += value.slice(from, i + 1) + marker(fileIndex, fileLine(line));
    from = i + 1;
  }
  s.value = out + value.slice(from);
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Splits rendered output into lines without markers, each mapped to the marker that starts it
 * (after indentation a partial may add), or else to the last marker seen before it.
 */
export function decodeLineMarkers(output: string, files: readonly string[]): { lines: string[]; map: FilePosition[] } {
  const lines: string[] = [];
  const map: FilePosition[] = [];
  let current: FilePosition = { file: files[0] ?? '', line: 1, column: 1 };
  for (const raw of output.split('\n')) {
    if (!raw.includes('\u0001')) {
      lines.push(raw);
      map.push(current);
      continue;
    }
    let start: FilePosition | undefined;
    let leading = true;
    let text = '';
    let last = 0;
    const lineStart = current;
    MARKER.lastIndex = 0;
    for (let m = MARKER.exec(raw); m; m = MARKER.exec(raw)) {
      const between = raw.slice(last, m.index);
      if (leading && !/^[ \t]*$/.test(between)) leading = false;
      text += between;
      const at = { file: files[Number(m[2])] ?? '', line: Number(m[3]), column: 1 };
      if (m[1]) {
        if (leading) start = at;
        leading = false;
      } else {
        current = at;
        if (leading) start = current;
      }
      last = MARKER.lastIndex;
    }
    lines.push(text + raw.slice(last));
    map.push(start ?? lineStart);
  }
  return { lines, map };
}
