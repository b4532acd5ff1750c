/** Quoting helpers: the only way an identifier or literal reaches SQL text. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL byte');
  return '"' + name.replace(/"/g, '""') + '"';
}

export function quoteQualified(...parts: string[]): string {
  return parts.map(quoteIdent).join('.');
}

export function quoteLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot quote ${value} as a SQL literal`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value.includes('\u0000')) throw new Error('literal contains a NUL byte');
  return "E'" + value.replace(/\\/g, '\\\\').replace(/'/g, "''") + "'";
}
