/** Offsets in a file's text to 1-based line and column, for errors found in a slice of the file. */
export interface LineIndex {
  readonly starts: readonly number[];
}

export function lineIndex(text: string): LineIndex {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return { starts };
}

export function positionAt(index: LineIndex, offset: number): { line: number; column: number } {
  const { starts } = index;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** Line endings as `\n` only: positions and the compiled SQL's lines stay simple on Windows files. */
export function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}
