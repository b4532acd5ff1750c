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

// Character classes by code (this runs over every compiled model, so no regex per character).
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
const isWord = (c: number) => isLetter(c) || isDigit(c) || c === 36;
const OP_CHARS = '+-*/<>=~!@#%^&|`?';
const isOp = (c: number) => c < 128 && OP_CHARS.includes(String.fromCharCode(c));

export function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && isWord(ch.charCodeAt(0));
}

export function lexSql(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, unterminated = false) => {
    out.push(unterminated ? { kind, start, end, unterminated } : { kind, start, end });
    i = end;
  };
  const quoted = (kind: TokenKind, start: number, from: number, quote: number, backslash: boolean) => {
    const end = quotedEnd(text, from, quote, backslash);
    push(kind, start, end ?? n, end === undefined);
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    if (isSpace(c)) {
      let j = i + 1;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      push('space', i, j);
    } else if (c === 45 && next === 45) {
      // --
      let j = i + 2;
      while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
      push('comment', i, j);
    } else if (c === 47 && next === 42) {
      // /*
      const end = blockCommentEnd(text, i);
      push('comment', i, end ?? n, end === undefined);
    } else if (c === 39) {
      // '
      quoted('string', i, i + 1, 39, false);
    } else if ((c === 69 || c === 101) && next === 39) {
      // E'
      quoted('string', i, i + 2, 39, true);
    } else if ((c === 66 || c === 98 || c === 88 || c === 120 || c === 78 || c === 110) && next === 39) {
      // B' X' N'
      quoted('string', i, i + 2, 39, false);
    } else if (
      (c === 85 || c === 117) &&
      next === 38 &&
      (text.charCodeAt(i + 2) === 39 || text.charCodeAt(i + 2) === 34)
    ) {
      // U&' U&"
      const q = text.charCodeAt(i + 2);
      quoted(q === 39 ? 'string' : 'quoted', i, i + 3, q, false);
    } else if (c === 34) {
      // "
      quoted('quoted', i, i + 1, 34, false);
    } else if (c === 36 && isDigit(next)) {
      // $1, a parameter
      let j = i + 1;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      push('word', i, j);
    } else if (c === 36 && dollarTag(text, i) !== undefined) {
      const tag = dollarTag(text, i)!;
      const close = text.indexOf(tag, i + tag.length);
      push('string', i, close === -1 ? n : close + tag.length, close === -1);
    } else if (isLetter(c)) {
      let j = i + 1;
      while (j < n && isWord(text.charCodeAt(j))) j++;
      push('word', i, j);
    } else if (isDigit(c) || (c === 46 && isDigit(next))) {
      // Digits, a point, an exponent; Postgres refuses a number glued to a word ("trailing junk"), so that is one token too.
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isWord(d) || d === 46) j++;
        else if (
          (d === 43 || d === 45) &&
          (text.charCodeAt(j - 1) === 101 || text.charCodeAt(j - 1) === 69) &&
          isDigit(text.charCodeAt(j + 1))
        )
          j++;
        else break;
      }
      push('number', i, j);
    } else if (isOp(c)) {
      let j = i + 1;
      // An operator never contains the start of a comment.
      while (
        j < n &&
        isOp(text.charCodeAt(j)) &&
        !(text.charCodeAt(j) === 45 && text.charCodeAt(j + 1) === 45) &&
        !(text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42)
      )
        j++;
      push('op', i, j);
    } else {
      push('punct', i, i + 1);
    }
  }
  return out;
}

/** Index after the closing quote; a doubled quote stays inside, and so does \x when `backslash`. */
function quotedEnd(text: string, from: number, quote: number, backslash: boolean): number | undefined {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (backslash && c === 92) {
      j++;
      continue;
    }
    if (c === quote) {
      if (text.charCodeAt(j + 1) === quote) {
        j++;
        continue;
      }
      return j + 1;
    }
  }
  return undefined;
}

function blockCommentEnd(text: string, from: number): number | undefined {
  let depth = 0;
  for (let j = from; j < text.length - 1; j++) {
    if (text[j] === '/' && text[j + 1] === '*') {
      depth++;
      j++;
    } else if (text[j] === '*' && text[j + 1] === '/') {
      depth--;
      j++;
      if (depth === 0) return j + 1;
    }
  }
  return undefined;
}

/** `$tag$` or `$$` opening a dollar quote at `i` (a `$` inside a word, `a$b`, is not one: the word lexer took it). */
function dollarTag(text: string, i: number): string | undefined {
  let j = i + 1;
  if (j < text.length && isLetter(text.charCodeAt(j))) {
    j++;
    while (j < text.length && (isLetter(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
  }
  return text.charCodeAt(j) === 36 ? text.slice(i, j + 1) : undefined;
}

/**
 * Where a second statement starts: the first token after a top-level `;` that is not a space, a
 * comment or another `;` (trailing semicolons are fine). Undefined for one statement.
 */
export function secondStatement(tokens: readonly Token[], text: string): number | undefined {
  let afterSemicolon = false;
  for (const t of tokens) {
    if (t.kind === 'space' || t.kind === 'comment') continue;
    if (t.kind === 'punct' && text[t.start] === ';') {
      afterSemicolon = true;
      continue;
    }
    if (afterSemicolon) return t.start;
  }
  return undefined;
}
