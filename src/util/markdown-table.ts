/**
 * A Markdown table laid out the way Prettier lays it out (every column padded to its widest cell,
 * a `---` rule as wide as the column), so generated docs pass `prettier --check` unchanged.
 * Widths count code points: cells must not hold characters a terminal shows double-width.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const width = header.map((_, i) => Math.max(3, ...all.map((r) => [...r[i]].length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat(width[i] - [...c].length)).join(' | ')} |`;
  return [line(header), `| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}
