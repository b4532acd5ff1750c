/**
 * A lexer for rendered model SQL, with Postgres' rules for where a token ends: quoted strings
 * ('…' with '' inside, E'…' with backslash escapes, B/X/N/U& prefixes), dollar quotes ($tag$…$tag$),
 * quoted identifiers, nested block comments and line comments. Used to check that every value a
 * template printed is whole tokens (it cannot end a string or start a comment) and that a model
 * is one statement. Postgres stays the authority at run time (see one-statement.ts); this gives
 * the file and line at compile time.
 */

export type TokenKind = 'space' | 'comment' | 'string' | 'quoted' | 'word' | 'number' | 'op' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** A string, quoted identifier or comment that runs off the end of the text. */
  readonly unterminated?: boolean;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const OP_CHARS = '+-*/<>=~!@#%^&|`?';
const SPACE = /[ \t\n\r\f\v]/;

export function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch);
}

export function lexSql(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, unterminated = false) => {
    out.push(unterminated ? { kind, start, end, unterminated } : { kind, start, end });
    i = end;
  };
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1];
    if (SPACE.test(ch)) {
      let j = i + 1;
      while (j < text.length && SPACE.test(text[j])) j++;
      push('space', i, j);
    } else if (ch === '-' && next === '-') {
      let j = i + 2;
      while (j < text.length && text[j] !== '\n' && text[j] !== '\r') j++;
      push('comment', i, j);
    } else if (ch === '/' && next === '*') {
      const end = blockCommentEnd(text, i);
      push('comment', i, end ?? text.length, end === undefined);
    } else if (ch === "'") {
      const end = quotedEnd(text, i + 1, "'", false);
      push('string', i, end ?? text.length, end === undefined);
    } else if ((ch === 'E' || ch === 'e') && next === "'") {
      const end = quotedEnd(text, i + 2, "'", true);
      push('string', i, end ?? text.length, end === undefined);
    } else if (/[BbXxNn]/.test(ch) && next === "'") {
      const end = quotedEnd(text, i + 2, "'", false);
      push('string', i, end ?? text.length, end === undefined);
    } else if ((ch === 'U' || ch === 'u') && next === '&' && (text[i + 2] === "'" || text[i + 2] === '"')) {
      const q = text[i + 2];
      const end = quotedEnd(text, i + 3, q, false);
      push(q === "'" ? 'string' : 'quoted', i, end ?? text.length, end === undefined);
    } else if (ch === '"') {
      const end = quotedEnd(text, i + 1, '"', false);
      push('quoted', i, end ?? text.length, end === undefined);
    } else if (ch === '$' && /[0-9]/.test(next ?? '')) {
      let j = i + 1;
      while (j < text.length && /[0-9]/.test(text[j])) j++;
      push('word', i, j); // a parameter, $1
    } else if (ch === '$' && dollarTag(text, i) !== undefined) {
      const tag = dollarTag(text, i)!;
      const close = text.indexOf(tag, i + tag.length);
      push('string', i, close === -1 ? text.length : close + tag.length, close === -1);
    } else if (WORD_START.test(ch)) {
      let j = i + 1;
      while (j < text.length && WORD_CHAR.test(text[j])) j++;
      push('word', i, j);
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(next ?? ''))) {
      const m = /^(?:0[xXoObB][0-9A-Fa-f_]+|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)/.exec(text.slice(i, i + 400))!;
      let j = i + Math.max(1, m[0].length);
      // Postgres refuses a number glued to a word ("trailing junk"): one token either way.
      while (j < text.length && WORD_CHAR.test(text[j])) j++;
      push('number', i, j);
    } else if (OP_CHARS.includes(ch)) {
      let j = i + 1;
      // An operator never contains the start of a comment.
      while (j < text.length && OP_CHARS.includes(text[j]) && !(text[j] === '-' && text[j + 1] === '-') && !(text[j] === '/' && text[j + 1] === '*')) j++;
      push('op', i, j);
    } else {
      push('punct', i, i + 1);
    }
  }
  return out;
}

/** Index after the closing quote; a doubled quote stays inside, and so does \x when `backslash`. */
function quotedEnd(text: string, from: number, quote: string, backslash: boolean): number | undefined {
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (backslash && c === '\\') { j++; continue; }
    if (c === quote) {
      if (text[j + 1] === quote) { j++; continue; }
      return j + 1;
    }
  }
  return undefined;
}

function blockCommentEnd(text: string, from: number): number | undefined {
  let depth = 0;
  for (let j = from; j < text.length - 1; j++) {
    if (text[j] === '/' && text[j + 1] === '*') { depth++; j++; }
    else if (text[j] === '*' && text[j + 1] === '/') { depth--; j++; if (depth === 0) return j + 1; }
  }
  return undefined;
}

/** `$tag$` or `$$` opening a dollar quote at `i` (a `$` inside a word, `a$b`, is not one: the word lexer took it). */
function dollarTag(text: string, i: number): string | undefined {
  const m = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 128));
  return m ? m[0] : undefined;
}

/**
 * Where a second statement starts: the first token after a top-level `;` that is not a space, a
 * comment or another `;` (trailing semicolons are fine). Undefined for one statement.
 */
export function secondStatement(tokens: readonly Token[], text: string): number | undefined {
  let afterSemicolon = false;
  for (const t of tokens) {
    if (t.kind === 'space' || t.kind === 'comment') continue;
    if (t.kind === 'punct' && text[t.start] === ';') { afterSemicolon = true; continue; }
    if (afterSemicolon) return t.start;
  }
  return undefined;
}
