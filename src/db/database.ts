import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Config } from '../config/config';
import { SluiceError } from '../errors/errors';
import { redactConnectionString as redact } from '../secrets/connection-string';
import { startEmbedded, type EmbeddedServer } from './embedded';
import { migrate } from './migrate';

// timestamptz → Date, bigint ids → number (they stay far below 2^53), numeric stays a string.
pg.types.setTypeParser(20, (v) => Number(v));

export type Client = pg.PoolClient;

/** The one handle to Postgres every component receives. */
export interface Database {
  readonly kind: 'postgres' | 'embedded';
  /** Connection string (for the embedded database: its loopback socket server). */
  readonly url: string;
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>>;
  withClient<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  transaction<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  /** Wakes listeners in this process and, on real Postgres, in every other process (NOTIFY). */
  notify(channel: Channel): void;
  on(channel: Channel, listener: () => void): () => void;
  close(): Promise<void>;
}

export type Channel = 'tasks' | 'runs';

export interface OpenOptions {
  readonly migrate?: boolean;
  readonly poolSize?: number;
  /** Listen for NOTIFY from other processes (schedulers and executors do; one-shot CLI commands don't). */
  readonly listen?: boolean;
}

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'home'>, opts: OpenOptions = {}): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbedded(config.home);
    url = embedded.url;
  }
  try {
    if (opts.migrate !== false) await migrate(url);
    const pool = new pg.Pool({ connectionString: url, max: embedded ? 1 : (opts.poolSize ?? 10) });
    await pool.query('SELECT 1');
    return await createDatabase(embedded ? 'embedded' : 'postgres', url, pool, !embedded && !!opts.listen, embedded);
  } catch (e) {
    await embedded?.stop();
    throw unavailable(e, config.databaseUrl);
  }
}

async function createDatabase(kind: Database['kind'], url: string, pool: pg.Pool, listen: boolean, embedded?: EmbeddedServer): Promise<Database> {
  const events = new EventEmitter().setMaxListeners(100);
  pool.on('error', () => undefined); // an idle client's error is reported by the next query instead
  let listener: pg.Client | undefined;
  if (listen) {
    listener = new pg.Client({ connectionString: url });
    listener.on('error', () => undefined);
    await listener.connect();
    await listener.query('LISTEN sluice_tasks; LISTEN sluice_runs');
    listener.on('notification', (n) => events.emit(n.channel.replace('sluice_', '')));
  }
  const withClient = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try { return await fn(client); } finally { client.release(); }
  };
  return {
    kind,
    url,
    query: (sql, params) => pool.query(sql, params as unknown[]),
    withClient,
    transaction: (fn) => withClient(async (c) => {
      await c.query('BEGIN');
      try {
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }),
    notify(channel) {
      events.emit(channel);
      if (kind === 'postgres') pool.query(`SELECT pg_notify($1, '')`, [`sluice_${channel}`]).catch(() => undefined);
    },
    on(channel, fn) {
      events.on(channel, fn);
      return () => events.off(channel, fn);
    },
    async close() {
      await listener?.end().catch(() => undefined);
      await pool.end();
      await embedded?.stop();
    },
  };
}

function unavailable(e: unknown, configured: string | undefined): Error {
  if (e instanceof SluiceError) return e;
  const where = configured ? `Postgres at ${redact(configured)}` : 'the embedded database';
  return new SluiceError('DATABASE_UNAVAILABLE', `cannot use ${where}: ${(e as Error).message}`);
}

/** The connection string for messages, passwords masked (kept here for existing imports). */
export { redact };
