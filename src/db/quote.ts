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

/**
 * What keeps Postgres from storing a string as given (text and jsonb alike): a NUL, or a UTF-16
 * surrogate without its pair (not Unicode). Callers phrase the message for what the string is.
 */
export function textFlaw(
  s: string,
): { readonly kind: 'nul' | 'lone surrogate'; readonly at: number; readonly code: number } | undefined {
  const nul = s.indexOf('\u0000');
  if (nul !== -1) return { kind: 'nul', at: nul, code: 0 };
  const lone = LONE_SURROGATE.exec(s);
  return lone ? { kind: 'lone surrogate', at: lone.index, code: lone[0].charCodeAt(0) } : undefined;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
