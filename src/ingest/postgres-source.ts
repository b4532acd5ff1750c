import pg from 'pg';
import Cursor from 'pg-cursor';
import { SluiceError } from '../errors/errors';
import { quoteIdent, quoteQualified } from '../db/quote';
import { SESSION_SETUP, sourceTypes } from './postgres-types';
import type { ColumnSpec, SourceRow, SourceSummary } from '../lake/column-spec';

/**
 * Rows from another Postgres database, streamed through a server-side cursor one batch at a time.
 *
 * Incremental mode (`watermarkColumn`): a run reads the rows with `lastWatermark < watermark <= until`
 * (either bound omitted when not given; rows whose watermark is NULL are never read), in watermark
 * order, and the new watermark is the highest value among the rows read, as Postgres prints it
 * (`<col>::text`, so a timestamptz keeps its microseconds). The lower bound is strict: rows that
 * show up later with a watermark equal to the stored one are not read. Bound runs with `until`
 * (the data interval end, say) so a slow-committing writer has the interval to catch up.
 */
export interface PostgresSourceOptions {
  readonly connectionString: string;
  /** `schema.table` or `table`; or give `query` instead. */
  readonly table?: string;
  readonly query?: string;
  /** `$1`, `$2`, … of `query`. */
  readonly params?: readonly unknown[];
  readonly columns: readonly ColumnSpec[];
  readonly watermarkColumn?: string;
  /** The previous run's watermark; undefined on the first run (everything up to `until`). */
  readonly lastWatermark?: string;
  readonly until?: string;
  /** Full mode: columns to order by, for deterministic output. */
  readonly orderBy?: readonly string[];
  /** Rows per cursor read (default 10,000); memory holds one batch. */
  readonly batchSize?: number;
  /** Default 10 s. */
  readonly connectTimeoutMs?: number;
  readonly applicationName?: string;
}

export interface PostgresSource extends AsyncIterable<SourceRow> {
  /** Rows read and the highest watermark among them, of the latest (or current) iteration. */
  summary(): SourceSummary;
}

/** The column the source query adds for the watermark, as text. */
export const WATERMARK = '__sluice_watermark';

export function postgresSource(options: PostgresSourceOptions): PostgresSource {
  const { sql, params } = buildSourceQuery(options);
  const label = options.table ?? 'query';
  const target = describeTarget(options.connectionString);
  const batchSize = options.batchSize ?? 10_000;
  let state: { rows: number; watermark?: string } = { rows: 0 };

  async function* rows(): AsyncGenerator<SourceRow> {
    state = { rows: 0 };
    const client = new pg.Client({
      connectionString: options.connectionString,
      types: sourceTypes,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? 'sluice-ingest',
    });
    client.on('error', () => undefined); // a dropped connection surfaces as the failure of the pending read
    try {
      try {
        await client.connect();
        await client.query(SESSION_SETUP);
      } catch (e) {
        throw new SluiceError('SOURCE_FAILED', `cannot connect to the Postgres source at ${target}: ${message(e)}`);
      }
      const cursor = client.query(new Cursor(sql, params as unknown[], { types: sourceTypes }));
      for (;;) {
        let batch: Record<string, unknown>[];
        try {
          batch = await cursor.read(batchSize);
        } catch (e) {
          throw new SluiceError(
            'SOURCE_FAILED',
            `reading ${label} from the Postgres source at ${target} failed: ${message(e)}`,
          );
        }
        if (batch.length === 0) break;
        for (const row of batch) {
          const values: Record<string, unknown> = {};
          for (const c of options.columns) values[c.name] = row[c.name] ?? null;
          state.rows++;
          // Rows come in watermark order, so the latest one read holds the highest watermark.
          if (options.watermarkColumn) state.watermark = row[WATERMARK] as string;
          yield { values, at: `${label} row ${state.rows}` };
        }
      }
    } finally {
      // Ending the connection also drops the portal, whether we finished, failed or the consumer stopped.
      await client.end().catch(() => undefined);
    }
  }

  return {
    [Symbol.asyncIterator]: () => rows(),
    summary: () =>
      state.watermark === undefined ? { rows: state.rows } : { rows: state.rows, watermark: state.watermark },
  };
}

/** The SQL a source runs, and its parameters (the query's own, then the watermark bounds). */
export function buildSourceQuery(o: PostgresSourceOptions): { sql: string; params: unknown[] } {
  check(o);
  const base = o.table !== undefined ? `SELECT * FROM ${quoteQualified(...o.table.split('.'))}` : stripQuery(o.query!);
  const params = [...(o.params ?? [])];
  const select = o.columns.map((c) => `src.${quoteIdent(c.name)}`);
  const where: string[] = [];
  let order = (o.orderBy ?? []).map((c) => `src.${quoteIdent(c)}`);
  if (o.watermarkColumn !== undefined) {
    const wm = `src.${quoteIdent(o.watermarkColumn)}`;
    select.push(`${wm}::text AS ${quoteIdent(WATERMARK)}`);
    if (o.lastWatermark !== undefined) {
      params.push(o.lastWatermark);
      where.push(`${wm} > $${params.length}`);
    }
    if (o.until !== undefined) {
      params.push(o.until);
      where.push(`${wm} <= $${params.length}`);
    }
    if (where.length === 0) where.push(`${wm} IS NOT NULL`);
    order = [wm];
  }
  // The newline keeps a trailing `-- comment` in the query from swallowing the parenthesis.
  const sql =
    `SELECT ${select.join(', ')} FROM (${base}\n) AS src` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    (order.length ? ` ORDER BY ${order.join(', ')}` : '');
  return { sql, params };
}

/** Without a trailing `;` (and a line comment after it), which cannot go inside the subquery. */
function stripQuery(q: string): string {
  return q.trim().replace(/;\s*(--[^\n'"]*)?$/, '');
}

function check(o: PostgresSourceOptions): void {
  const bad = (msg: string): never => {
    throw new SluiceError('USAGE', `postgres source: ${msg}`);
  };
  if (!o.connectionString) bad('no connectionString');
  if ((o.table === undefined) === (o.query === undefined)) bad('give either table or query');
  if (o.table !== undefined && !/^[^.]+(\.[^.]+)?$/.test(o.table))
    bad(`table ${JSON.stringify(o.table)} is not "schema.table" or "table"`);
  if (o.query !== undefined && stripQuery(o.query) === '') bad('query is empty');
  if (o.params?.length && o.query === undefined) bad('params go with a query, not a table');
  if (!o.columns?.length) bad('no columns declared');
  if (o.watermarkColumn === undefined && (o.lastWatermark !== undefined || o.until !== undefined))
    bad('lastWatermark and until need a watermarkColumn');
  if (o.watermarkColumn !== undefined && o.orderBy?.length)
    bad('incremental reads are ordered by the watermark; drop orderBy');
  if (o.batchSize !== undefined && (!Number.isInteger(o.batchSize) || o.batchSize < 1))
    bad(`batchSize must be a positive integer, got ${o.batchSize}`);
}

/** `host:port/database` for messages; never the user's password. */
export function describeTarget(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}:${u.port || '5432'}/${decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)'}`;
  } catch {
    return 'the configured database';
  }
}

function message(e: unknown): string {
  const err = e as Error & { code?: string; errors?: Error[] };
  // Node reports a refused `localhost` (IPv6 and IPv4 tried) as an AggregateError with no message of its own.
  const text = err?.message || err?.errors?.map((x) => x.message).join('; ') || err?.code || String(e);
  return err?.code && !text.includes(err.code) && /^[0-9A-Z]{5}$/.test(err.code)
    ? `${text} (SQLSTATE ${err.code})`
    : text;
}
