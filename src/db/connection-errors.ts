import { SluiceError } from '../errors/errors';
import { redactConnectionString as redact } from '../secrets/connection-string';

/**
 * What a user should read when Postgres cannot be used: the setting, the host and what to check,
 * never a driver stack trace or the password.
 */
export function parseDatabaseUrl(url: string, setting = 'DATABASE_URL'): URL {
  const example = 'postgresql://user:password@host:5432/database';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SluiceError('CONFIG_INVALID', `${setting} is not a URL (expected ${example}), got "${redact(url)}"`);
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new SluiceError(
      'CONFIG_INVALID',
      `${setting} must start with postgresql:// (expected ${example}), got "${redact(url)}"`,
    );
  }
  if (!u.hostname && !u.searchParams.get('host')) {
    throw new SluiceError('CONFIG_INVALID', `${setting} names no host (expected ${example}), got "${redact(url)}"`);
  }
  return u;
}

/** A connection failure as a sentence that names the server and the likely fix. */
export function describeConnectionError(e: unknown, url: string, setting = 'DATABASE_URL'): SluiceError {
  if (e instanceof SluiceError) return e;
  const u = safeUrl(url);
  const host = u ? `${u.hostname || u.searchParams.get('host') || 'localhost'}:${u.port || 5432}` : 'the server';
  const user = u ? decodeURIComponent(u.username) || 'the default user' : 'the user';
  const database = u ? decodeURIComponent(u.pathname.replace(/^\//, '')) || user : 'the database';
  const err = e as { code?: string; message?: string };
  const reason = (() => {
    switch (err.code) {
      case 'ECONNREFUSED':
        return `nothing accepts connections at ${host}: is Postgres running there, and is ${setting}'s host and port right?`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `the host in ${setting} (${u?.hostname}) cannot be resolved: check its spelling or your DNS`;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `${host} cannot be reached (${err.code}): check the network and firewall`;
      case 'ECONNRESET':
        return `${host} closed the connection: is it a Postgres server, and does it accept this client (pg_hba.conf, TLS)?`;
      case '28P01':
      case '28000':
        return `Postgres at ${host} refused user "${user}" (${err.message}): check the user and password in ${setting} and pg_hba.conf`;
      case '3D000':
        return `database "${database}" does not exist on ${host}: create it (createdb ${database}) or fix ${setting}`;
      case '57P03':
        return `Postgres at ${host} is starting up or shutting down: try again shortly`;
      case '53300':
        return `Postgres at ${host} has no free connection slots (max_connections): close idle clients or raise the limit`;
      default:
        if (/timeout/i.test(err.message ?? ''))
          return `no answer from ${host} in time: is Postgres up, and is ${setting}'s host and port right?`;
        return `${err.message ?? String(e)}${err.code ? ` (${err.code})` : ''}`;
    }
  })();
  return new SluiceError('DATABASE_UNAVAILABLE', `cannot use Postgres at ${host} (${setting}): ${redact(reason)}`);
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
