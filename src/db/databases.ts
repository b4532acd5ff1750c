import { Client } from 'pg';
import { quoteIdent } from './quote';

/** Creating and dropping whole databases on a server (scratch databases for tests, benchmarks and demo sources). */

/** `base` with its database name replaced by `name`. */
export function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdminClient<T>(adminUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/** Creates `name` (dropping an old one first when `replace`), optionally cloned from `template`; returns its URL. */
export async function createDatabase(
  adminUrl: string,
  name: string,
  opts: { template?: string; replace?: boolean } = {},
): Promise<string> {
  await withAdminClient(adminUrl, async (c) => {
    if (opts.replace) await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await c.query(
      `CREATE DATABASE ${quoteIdent(name)}${opts.template ? ` TEMPLATE ${quoteIdent(opts.template)}` : ''}`,
    );
  });
  return databaseUrl(adminUrl, name);
}
