/**
 * Ephemeral models are inlined as CTEs named `"__ephemeral_<name>"`: prepended as a `WITH`, or merged
 * into the model's own leading `WITH` / `WITH RECURSIVE`. Lines keep their map; CTE bodies are not
 * re-indented, so columns in them stay the ephemeral file's.
 */
import { quoteIdent } from '../../db/quote';
import type { FilePosition } from '../types';
import type { RenderedSql } from './render';

export interface EphemeralCte {
  readonly name: string;
  readonly body: RenderedSql;
}

export function inlineEphemerals(own: RenderedSql, ctes: readonly EphemeralCte[]): RenderedSql {
  if (ctes.length === 0) return own;
  const lines: string[] = [];
  const map: FilePosition[] = [];
  const push = (line: string, at: FilePosition) => {
    lines.push(line);
    map.push(at);
  };
  const at = leadingWith(own.lines.join('\n'));
  let rest = 0;
  let tail: { text: string; at: FilePosition } | undefined;
  let head = 'WITH';
  if (at) {
    for (let i = 0; i < at.line; i++) push(own.lines[i], own.map[i]);
    const line = own.lines[at.line];
    head = line.slice(0, at.column);
    const remainder = line.slice(at.column);
    const pos = own.map[at.line];
    if (remainder.trim() !== '') tail = { text: remainder, at: { ...pos, column: pos.column + at.column } };
    rest = at.line + 1;
  }
  ctes.forEach((cte, i) => {
    const start = cte.body.map[0];
    push(
      `${i === 0 ? `${head} ` : '), '}${quoteIdent(`__ephemeral_${cte.name}`)} AS (`,
      i === 0 && at ? own.map[at.line] : start,
    );
    cte.body.lines.forEach((l, j) => push(l, cte.body.map[j]));
  });
  const lastBody = ctes[ctes.length - 1].body;
  // A new line before `)`: the body may end in a -- comment.
  push(at ? '),' : ')', lastBody.map[lastBody.map.length - 1]);
  if (tail) push(tail.text, tail.at);
  for (let i = rest; i < own.lines.length; i++) push(own.lines[i], own.map[i]);
  return { lines, map };
}

/** Line index and column just after a leading `WITH [RECURSIVE]` (comments and blanks before it skipped). */
function leadingWith(text: string): { line: number; column: number } | undefined {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('--', i)) {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? text.length : eol;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else break;
  }
  const m = /^with\b(?:\s+recursive\b)?/i.exec(text.slice(i, i + 64));
  if (!m) return undefined;
  const end = i + m[0].length;
  const lineStart = text.lastIndexOf('\n', end - 1) + 1;
  let line = 0;
  for (let j = text.indexOf('\n'); j !== -1 && j < lineStart; j = text.indexOf('\n', j + 1)) line++;
  return { line, column: end - lineStart };
}
