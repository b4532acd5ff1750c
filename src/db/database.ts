import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Config } from '../config/config';
import { SluiceError } from '../errors/errors';
import { redactConnectionString as redact } from '../secrets/connection-string';
import { openEmbedded, type EmbeddedServer } from './embedded';
import { migrate } from './migrate';
import { withTransaction } from './transaction';
import { describeConnectionError, parseDatabaseUrl } from './connection-errors';

// timestamptz → Date, bigint ids → number (they stay far below 2^53), numeric stays a string.
pg.types.setTypeParser(20, (v) => Number(v));

export type Client = pg.PoolClient;

/** The one handle to Postgres every component receives. */
export interface Database {
  readonly kind: 'postgres' | 'embedded';
  /** Connection string (for the embedded database: its loopback socket server). */
  readonly url: string;
  /** The embedded database of another sluice process (a running standalone), reached through its socket. */
  readonly sharedEmbedded: boolean;
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
  withClient<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  transaction<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  /** Wakes listeners in this process and, on real Postgres, in every other process (NOTIFY). */
  notify(channel: Channel): void;
  on(channel: Channel, listener: () => void): () => void;
  close(): Promise<void>;
}

export type Channel = 'tasks' | 'runs' | 'alerts';

export interface OpenOptions {
  readonly migrate?: boolean;
  readonly poolSize?: number;
  /** Listen for NOTIFY from other processes (schedulers and executors do; one-shot CLI commands don't). */
  readonly listen?: boolean;
}

// How long to wait for a connection before saying the server does not answer.
const CONNECT_TIMEOUT_MS = 10_000;

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'home'>,
  opts: OpenOptions = {},
): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  if (url) parseDatabaseUrl(url);
  else {
    embedded = await openEmbedded(config.home);
    url = embedded.url;
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: embedded ? 1 : (opts.poolSize ?? 10),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  pool.on('error', () => undefined); // an idle client's error is reported by the next query instead
  try {
    // Reach the server first: a failure here is about the connection, said plainly (not through knex).
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw embedded
      ? new SluiceError('DATABASE_UNAVAILABLE', `cannot use the embedded database: ${(e as Error).message}`)
      : describeConnectionError(e, url);
  }
  try {
    // A client of another process's embedded server: that owner migrated when it started.
    if (opts.migrate !== false && embedded?.owner !== false) await migrate(url, { lock: !embedded });
    return await createDatabase(embedded ? 'embedded' : 'postgres', url, pool, !embedded && !!opts.listen, embedded);
  } catch (e) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    if (e instanceof SluiceError) throw e;
    const where = embedded ? 'the embedded database' : `Postgres at ${redact(url)}`;
    throw new SluiceError(
      'DATABASE_UNAVAILABLE',
      `cannot bring the platform schema up to date in ${where}: ${redact((e as Error).message)}`,
    );
  }
}

async function createDatabase(
  kind: Database['kind'],
  url: string,
  pool: pg.Pool,
  listen: boolean,
  embedded?: EmbeddedServer,
): Promise<Database> {
  const events = new EventEmitter().setMaxListeners(100);
  const listener = listen ? await listenForNotifications(url, (channel) => events.emit(channel)) : undefined;
  const withClient = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    // A checked-out client whose server goes away emits 'error': without a listener that would end the
    // process. The pending query fails instead, and the connection is dropped rather than reused.
    const onError = (e: Error) => {
      broken = e;
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  };
  return {
    kind,
    url,
    sharedEmbedded: embedded?.owner === false,
    query: (sql, params) => pool.query(sql, params as unknown[]),
    withClient,
    transaction: (fn) => withClient((c) => withTransaction(c, fn)),
    notify(channel) {
      events.emit(channel);
      if (kind === 'postgres') pool.query(`SELECT pg_notify($1, '')`, [`sluice_${channel}`]).catch(() => undefined);
    },
    on(channel, fn) {
      events.on(channel, fn);
      return () => events.off(channel, fn);
    },
    async close() {
      await listener?.close();
      await pool.end();
      await embedded?.stop();
    },
  };
}

/**
 * A LISTEN connection that comes back after the server restarts or the network drops: it
 * reconnects with backoff and then wakes every channel, since notifications sent while it was
 * away are lost (the periodic polls would catch up too, only later).
 */
async function listenForNotifications(
  url: string,
  emit: (channel: Channel) => void,
): Promise<{ close(): Promise<void> }> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    c.on('error', () => undefined); // followed by 'end', which reconnects
    c.on('notification', (n) => emit(n.channel.replace('sluice_', '') as Channel));
    await c.connect();
    c.on('end', () => {
      if (!closed) schedule(250);
    });
    await c.query('LISTEN sluice_tasks; LISTEN sluice_runs; LISTEN sluice_alerts');
    client = c;
  };
  const schedule = (ms: number) => {
    client = undefined;
    retry = setTimeout(() => {
      connect().then(
        () => {
          emit('tasks');
          emit('runs');
          emit('alerts');
        },
        () => {
          if (!closed) schedule(Math.min(ms * 2, 5_000));
        },
      );
    }, ms);
  };
  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}

/** The connection string for messages, passwords masked (kept here for existing imports). */
export { redact };
