import { quoteIdent } from '../db/quote';
import { WATERMARK, buildSourceQuery, type PostgresSourceOptions } from './postgres-source';
import type { SourceRow, SourceSummary } from '../lake/column-spec';
import type { Warehouse } from '../db/queryable';

/**
 * The Postgres source over the warehouse's own connection (a schema of the same database, or the
 * embedded database, which a worker reaches only through its parent): the same query as
 * `postgresSource` (values as text), read with `DECLARE … CURSOR` and `FETCH` inside one read-only transaction, so
 * memory holds one batch however large the result.
 */
export function warehouseCursorSource(
  wh: Warehouse,
  options: Omit<PostgresSourceOptions, 'connectionString'>,
): AsyncIterable<SourceRow> & { summary(): SourceSummary } {
  const inner = buildSourceQuery({ ...options, connectionString: 'warehouse' });
  // Every value as Postgres prints it: the worker may reach the database through its parent, whose
  // driver would turn dates into JS Dates (losing microseconds and zones) on the way.
  const cols = options.columns.map((c) => `q.${quoteIdent(c.name)}::text AS ${quoteIdent(c.name)}`);
  if (options.watermarkColumn !== undefined) cols.push(`q.${quoteIdent(WATERMARK)}`);
  const sql = `SELECT ${cols.join(', ')} FROM (${inner.sql}) AS q`;
  const params = inner.params;
  const batch = options.batchSize ?? 10_000;
  const label = options.table ?? 'query';
  let rows = 0;
  let watermark: string | undefined;
  return {
    summary: () => ({ rows, watermark }),
    async *[Symbol.asyncIterator]() {
      rows = 0;
      watermark = undefined;
      const queue: SourceRow[][] = [];
      let done = false;
      let stopped = false;
      let failure: unknown;
      // The cursor lives inside a transaction callback; the reader hands rows over one batch at a
      // time and waits for the consumer (`resume`) before fetching the next.
      let wake: (() => void) | undefined;
      let resume: (() => void) | undefined;
      const reader = wh
        .transaction(async (tx) => {
          await tx.query('SET TRANSACTION READ ONLY');
          await tx.query(`DECLARE sluice_src NO SCROLL CURSOR FOR ${sql}`, params);
          while (!stopped) {
            const r = await tx.query<Record<string, unknown>>(`FETCH ${batch} FROM sluice_src`);
            if (!r.rows.length) break;
            queue.push(
              r.rows.map((row) => {
                rows++;
                if (options.watermarkColumn !== undefined) watermark = row[WATERMARK] as string;
                const values: Record<string, unknown> = {};
                for (const c of options.columns) values[c.name] = row[c.name] ?? null;
                return { values, at: `${label} row ${rows}` };
              }),
            );
            const w = wake;
            wake = undefined;
            w?.();
            await new Promise<void>((r2) => {
              resume = r2;
            });
          }
          await tx.query('CLOSE sluice_src');
        })
        .catch((e) => {
          failure = e;
        })
        .finally(() => {
          done = true;
          const w = wake;
          wake = undefined;
          w?.();
        });
      try {
        for (;;) {
          while (!queue.length && !done)
            await new Promise<void>((r) => {
              wake = r;
            });
          const next = queue.shift();
          if (!next) break;
          yield* next;
          const r = resume;
          resume = undefined;
          r?.();
        }
        if (failure) throw failure;
      } finally {
        stopped = true;
        const r = resume;
        resume = undefined;
        r?.();
        await reader;
      }
    },
  };
}
