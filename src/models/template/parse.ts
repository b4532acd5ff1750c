/**
 * Parsing a template once into a Handlebars AST (Handlebars' parser and whitespace control), syntax
 * errors turned into file positions.
 */
import Handlebars from 'handlebars';
import type { Issue } from '../../errors/errors';

export type Program = hbs.AST.Program;

/** Where a template sits in its file: `source` names it in AST locations, `lineOffset` is its first line. */
export interface TemplateOrigin {
  readonly source: string;
  readonly lineOffset: number;
}

/** A template position (Handlebars: 1-based line, 0-based column) as a file position. */
export function filePosition(
  origin: TemplateOrigin,
  line: number,
  column: number,
): { file: string; line: number; column: number } {
  return { file: origin.source, line: origin.lineOffset + line - 1, column: column + 1 };
}

export function parseTemplate(text: string, origin: TemplateOrigin): { ast: Program } | { issue: Issue } {
  try {
    return { ast: Handlebars.parse(text, { srcName: origin.source }) };
  } catch (e) {
    return { issue: syntaxIssue(e, text, origin) };
  }
}

const TOKENS: Record<string, string> = {
  EOF: 'the end of the file',
  OPEN: '{{',
  CLOSE: '}}',
  CLOSE_UNESCAPED: '}}}',
  OPEN_ENDBLOCK: '{{/',
  OPEN_BLOCK: '{{#',
  INVERSE: '{{else}}',
  OPEN_INVERSE_CHAIN: '{{else …}}',
  OPEN_PARTIAL: '{{>',
  OPEN_SEXPR: '(',
  CLOSE_SEXPR: ')',
  ID: 'a name',
  STRING: 'a string',
  NUMBER: 'a number',
  EQUALS: '=',
  CONTENT: 'text',
  COMMENT: 'a comment',
  SEP: '.',
  DATA: 'an @name',
};
const word = (token: string) => TOKENS[token] ?? token.toLowerCase().replace(/_/g, ' ');

/**
 * Handlebars reports grammar errors as "Parse error on line N: … Expecting 'X', got 'Y'" (the
 * lexer keeps the offending token's position) and other errors as Exceptions with line/column.
 */
function syntaxIssue(e: unknown, text: string, origin: TemplateOrigin): Issue {
  const err = e as Error & { lineNumber?: number; column?: number };
  const message = String(err?.message ?? e);
  if (message.startsWith('Parse error')) {
    const loc = (
      Handlebars as unknown as { Parser: { lexer: { yylloc?: { first_line: number; first_column: number } } } }
    ).Parser.lexer.yylloc;
    const line = loc?.first_line ?? Number(/line (\d+)/.exec(message)?.[1] ?? 1);
    const expecting = /Expecting (.*), got '([^']*)'/.exec(message);
    const text = expecting
      ? `got ${word(expecting[2])}, expected ${[...new Set(expecting[1].split(', ').map((t) => word(t.replace(/'/g, ''))))].slice(0, 6).join(' or ')}`
      : message.split('\n').pop();
    return { message: `template syntax error: ${text}`, ...filePosition(origin, line, loc?.first_column ?? 0) };
  }
  const bare = message.replace(/ - \d+:\d+$/, '');
  if (typeof err.lineNumber === 'number') {
    // "each doesn't match eahc" comes at the opening tag; the mistake is in the closing one.
    const at = (/^\S+ doesn't match \S+$/.test(bare) && closingTag(text, err.lineNumber, err.column ?? 0)) || {
      line: err.lineNumber,
      column: err.column ?? 0,
    };
    return { message: `template syntax error: ${bare}`, ...filePosition(origin, at.line, at.column) };
  }
  return { message: `template syntax error: ${bare}`, ...filePosition(origin, 1, 0) };
}

/** Sluice's helpers (besides the block helpers if, unless, each, with, let and lookup). */
export const HELPER_NAMES = [
  'ref',
  'source',
  'var',
  'literal',
  'ident',
  'concat',
  'list',
  'dict',
  'this_relation',
] as const;

const TAGS = /\{\{!--[\s\S]*?--~?\}\}|\{\{![\s\S]*?\}\}|\{\{~?\s*([#^/])\s*([^\s}~]*)/g;

/**
 * The tag that closes the block opened at (line, column), Handlebars' 1-based line and 0-based
 * column: the first `{{/…}}` after it at the same depth (comments skipped, `{{^}}` is an else).
 */
function closingTag(text: string, line: number, column: number): { line: number; column: number } | undefined {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  TAGS.lastIndex = offset + column;
  let depth = 1;
  for (let m = TAGS.exec(text); m; m = TAGS.exec(text)) {
    if (m[1] === '/') depth--;
    else if (m[1] === '#' || (m[1] === '^' && m[2])) depth++;
    if (depth === 0) {
      const before = text.slice(0, m.index);
      return { line: before.split('\n').length, column: m.index - before.lastIndexOf('\n') - 1 };
    }
  }
  return undefined;
}
