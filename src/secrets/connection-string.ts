/**
 * The secret parts of a Postgres connection string, in either form libpq accepts: a URL
 * (`postgresql://user:password@host/db?sslpassword=…`) or key/value (`host=h password='p w'`).
 */

const PASSWORD_KEYS = 'password|sslpassword';

/** The connection string for messages: its passwords replaced by ***. */
export function redactConnectionString(conn: string): string {
  return (
    conn
      // Up to the last @ of the authority: a password may hold an unencoded @.
      .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^/?#]*@/i, '$1:***@')
      // A mistyped URL ("postgres//user:pw@host") still hides its password.
      .replace(/(\/\/[^:/@?#\s]*):[^/?#\s]*@/g, '$1:***@')
      .replace(new RegExp(`([?&])(${PASSWORD_KEYS})=[^&#]*`, 'gi'), '$1$2=***')
      .replace(new RegExp(`(^|\\s)(${PASSWORD_KEYS})(\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|\\S*)`, 'gi'), '$1$2$3***')
  );
}

/** The passwords a connection string holds, as written and decoded, for the task's secret registry. */
export function connectionPasswords(conn: string): string[] {
  const out: string[] = [];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(conn)) {
    try {
      const u = new URL(conn);
      if (u.password) out.push(u.password, safeDecode(u.password));
      for (const k of PASSWORD_KEYS.split('|')) for (const v of u.searchParams.getAll(k)) if (v) out.push(v);
    } catch {
      // Not a URL the WHATWG parser takes; the raw text between ':' and the last '@' is still the password.
      const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/@?#]*:([^/?#]*)@/i.exec(conn);
      if (m) out.push(m[1], safeDecode(m[1]));
    }
    return [...new Set(out)];
  }
  for (const m of conn.matchAll(
    new RegExp(`(?:^|\\s)(?:${PASSWORD_KEYS})\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|\\S+)`, 'gi'),
  )) {
    const v = m[1].startsWith("'") ? m[1].slice(1, -1).replace(/\\(.)/g, '$1') : m[1];
    if (v) out.push(v);
  }
  return [...new Set(out)];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
