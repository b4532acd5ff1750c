/**
 * JSON parsing that remembers where each value sits, so a problem found later by JSON pointer
 * (ajv's instancePath, an expectation's kwarg) can be shown as file:line:column.
 */
import { lineIndex, positionAt, type LineIndex } from '../util/text-position';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface ParsedJson {
  readonly value: unknown;
  /** Pointer → position of the value; for object members also of the key (`<pointer>#key`). */
  locate(pointer: string, preferKey?: boolean): Position | undefined;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function parseJsonWithPositions(text: string): ParsedJson {
  const index = lineIndex(text);
  const offsets = new Map<string, number>();
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, positionAt(index, at));
  };
  const ws = () => {
    while (i < text.length && /[ \t\n\r]/.test(text[i])) i++;
  };
  const describe = () => (i >= text.length ? 'end of file' : `"${text[i]}"`);

  const token = (re: RegExp, what: string): string => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) fail(`expected ${what}, found ${describe()}`);
    i += m![0].length;
    return m![0];
  };
  const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  const value = (pointer: string): unknown => {
    ws();
    offsets.set(pointer, i);
    const c = text[i];
    if (c === '{') return object(pointer);
    if (c === '[') return array(pointer);
    if (c === '"') return JSON.parse(token(STRING, 'a string'));
    if (c === '-' || (c >= '0' && c <= '9')) return Number(token(NUMBER, 'a number'));
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(`unexpected ${describe()}`);
  };
  const object = (pointer: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      const keyAt = i;
      const key = JSON.parse(token(STRING, 'a property name in double quotes')) as string;
      const child = `${pointer}/${escapePointer(key)}`;
      offsets.set(`${child}#key`, keyAt);
      ws();
      if (text[i] !== ':') fail(`expected ":" after property name, found ${describe()}`);
      i++;
      out[key] = value(child);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail(`expected "," or "}", found ${describe()}`);
    }
  };
  const array = (pointer: string): unknown[] => {
    const out: unknown[] = [];
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(`${pointer}/${out.length}`));
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail(`expected "," or "]", found ${describe()}`);
    }
  };

  const parsed = value('');
  ws();
  if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
  return { value: parsed, locate: (pointer, preferKey) => locate(index, offsets, pointer, preferKey) };
}

/** The closest enclosing value that was seen: a pointer to a missing member points at its object. */
function locate(
  index: LineIndex,
  offsets: Map<string, number>,
  pointer: string,
  preferKey = false,
): Position | undefined {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const at = (preferKey ? offsets.get(`${p}#key`) : undefined) ?? offsets.get(p);
    if (at !== undefined) return positionAt(index, at);
    if (p === '') return undefined;
  }
}
