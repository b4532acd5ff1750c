/** Postgres text and JSON cannot hold NUL: text a task produced gets the visible symbol ␀ in its place. */
export function storableText(s: string): string {
  return s.includes('\u0000') ? s.replace(/\u0000/g, '\u2400') : s;
}
