/**
 * JSON parsing that remembers where each value sits, so a problem found later by JSON pointer
 * (ajv's instancePath, an expectation's kwarg) can be shown as file:line:column. jsonc-parser
 * reads the text (strictly: no comments, no trailing commas); the syntax error is said as what was
 * expected where the text went wrong ("expected "," or "}", found …"), which jsonc-parser's error
 * codes do not tell by themselves.
 */
import { visit } from 'jsonc-parser';
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

/** What the text must have next: a value, a member's name, its colon, or what follows a value. */
type Expecting = 'value' | 'key' | 'colon' | 'next';

interface Container {
  readonly pointer: string;
  readonly value: Record<string, unknown> | unknown[];
  key?: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseJsonWithPositions(text: string): ParsedJson {
  const index = lineIndex(text);
  const offsets = new Map<string, number>();
  const stack: Container[] = [];
  let expecting: Expecting = 'value';
  let result: unknown;
  let error: { at: number; expecting: Expecting; container?: Container } | undefined;

  const pointerOfNext = (): string => {
    const c = stack[stack.length - 1];
    if (!c) return '';
    return `${c.pointer}/${Array.isArray(c.value) ? c.value.length : escapePointer(c.key!)}`;
  };
  const add = (value: unknown) => {
    const c = stack[stack.length - 1];
    if (!c) result = value;
    else if (Array.isArray(c.value)) c.value.push(value);
    else c.value[c.key!] = value;
    expecting = 'next';
  };
  const open = (value: Container['value'], at: number) => {
    const pointer = pointerOfNext();
    offsets.set(pointer, at);
    stack.push({ pointer, value });
    expecting = Array.isArray(value) ? 'value' : 'key';
  };
  // jsonc-parser ends a container at the end of the text too, before it reports the missing bracket.
  const close = (at: number) => {
    const c = stack[stack.length - 1];
    if (text[at] === (Array.isArray(c.value) ? ']' : '}')) add(stack.pop()!.value);
    else error = { at, expecting, container: c };
  };
  const live =
    <A extends unknown[]>(f: (...args: A) => void) =>
    (...args: A) => {
      if (!error) f(...args);
    };

  visit(
    text,
    {
      onObjectBegin: live((at: number) => open({}, at)),
      onArrayBegin: live((at: number) => open([], at)),
      onObjectEnd: live((at: number) => close(at)),
      onArrayEnd: live((at: number) => close(at)),
      onObjectProperty: live((key: string, at: number) => {
        stack[stack.length - 1].key = key;
        offsets.set(`${pointerOfNext()}#key`, at);
        expecting = 'colon';
      }),
      onSeparator: live((sep: string) => {
        const inArray = Array.isArray(stack[stack.length - 1]?.value);
        expecting = sep === ':' || inArray ? 'value' : 'key';
      }),
      onLiteralValue: live((value: unknown, at: number) => {
        offsets.set(pointerOfNext(), at);
        add(value);
      }),
      onError: live((_code: number, at: number) => {
        error = { at, expecting, container: stack[stack.length - 1] };
      }),
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (error) {
    const { message, at } = syntaxError(text, error.at, error.expecting, error.container);
    throw new JsonSyntaxError(message, positionAt(index, at));
  }
  return { value: result, locate: (pointer, preferKey) => locate(index, offsets, pointer, preferKey) };
}

/**
 * The message for the first token jsonc-parser refused. Where a strict reader would have taken a
 * valid start of that token (`1` of `1.`, `null` of `nulls`), it is the character after that start
 * which is wrong, as what follows a value.
 */
function syntaxError(
  text: string,
  at: number,
  expecting: Expecting,
  container: Container | undefined,
): { message: string; at: number } {
  const found = (i: number) => (i >= text.length ? 'end of file' : `"${text[i]}"`);
  if (expecting === 'value') {
    NUMBER.lastIndex = at;
    const start = NUMBER.exec(text)?.[0] ?? ['true', 'false', 'null'].find((w) => text.startsWith(w, at));
    if (start) return syntaxError(text, at + start.length, 'next', container);
    if (text[at] === '"') return { message: `expected a string, found ${found(at)}`, at };
    if (text[at] === '-') return { message: `expected a number, found ${found(at)}`, at };
    return { message: `unexpected ${found(at)}`, at };
  }
  if (expecting === 'key') return { message: `expected a property name in double quotes, found ${found(at)}`, at };
  if (expecting === 'colon') return { message: `expected ":" after property name, found ${found(at)}`, at };
  if (!container) return { message: `unexpected ${found(at)} after the end of the JSON value`, at };
  return { message: `expected "," or "${Array.isArray(container.value) ? ']' : '}'}", found ${found(at)}`, at };
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
