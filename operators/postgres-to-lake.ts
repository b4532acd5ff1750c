import type { TaskDefinition } from '../src/dag/types';
import { postgresSource, type PostgresSourceOptions } from '../src/ingest/postgres-source';
import { warehouseCursorSource } from '../src/ingest/warehouse-cursor-source';
import { watermarkBefore } from '../src/state/ingestion-log';
import { LAND_RULES, landingTask, type LandTarget } from './land';
import { guardCall } from '../src/dag/guard-call';
import * as opt from '../src/dag/operator-options';

const RULES: opt.OptionRules = {
  ...LAND_RULES,
  connection: opt.required(opt.secret),
  table: opt.string,
  query: opt.string,
  params: opt.list,
  orderBy: opt.stringList,
  batchSize: opt.wholeNumber(1),
  watermarkColumn: opt.string,
};
import { readConnection, type EnvSecret } from './secrets';

export interface PostgresToLakeSpec<I extends string, U extends string>
  extends LandTarget<I, U>, Pick<PostgresSourceOptions, 'table' | 'query' | 'params' | 'orderBy' | 'batchSize'> {
  /** The source database: a connection string, one from the environment, or `'warehouse'` (a schema of the warehouse's own database). */
  readonly connection: EnvSecret | string;
  /**
   * Incremental by this column: each run reads rows with `watermark < column <= data interval end`, where the
   * watermark is the one the load of the previous partition committed (see `loadToRaw`), so a re-run reads the same rows.
   */
  readonly watermarkColumn?: string;
}

/** A table or query of another Postgres database → one lake object per run, streamed with a cursor. */
export function postgresToLake<const I extends string, const U extends string = never>(
  spec: PostgresToLakeSpec<I, U>,
): TaskDefinition<I, U> {
  return guardCall('postgresToLake', spec, () => postgresTask(spec));
}

function postgresTask<const I extends string, const U extends string>(
  spec: PostgresToLakeSpec<I, U>,
): TaskDefinition<I, U> {
  const { connection, table, query, params, orderBy, batchSize, watermarkColumn, ...target } = spec;
  return landingTask(
    'postgres_to_lake',
    target,
    { table: table ?? '(query)', incremental: watermarkColumn ?? null },
    async (ctx) => {
      const lastWatermark = watermarkColumn
        ? await watermarkBefore(ctx.warehouse, `${target.source}.${target.dataset}`, ctx.ds)
        : undefined;
      const options = {
        table,
        query,
        params,
        orderBy,
        batchSize,
        columns: target.columns,
        watermarkColumn,
        lastWatermark,
        until: watermarkColumn ? ctx.dataIntervalEnd.toISOString() : undefined,
      };
      ctx.log.info(
        'reading %s %s',
        table ?? 'query',
        watermarkColumn ? `with ${watermarkColumn} > ${lastWatermark ?? '(first run: everything)'}` : '(full)',
      );
      const source =
        connection === 'warehouse'
          ? warehouseCursorSource(ctx.warehouse, options)
          : postgresSource({ ...options, connectionString: readConnection(connection, `${ctx.taskId} connection`) });
      return {
        rows: source,
        input: connection === 'warehouse' ? ('text' as const) : ('json' as const),
        watermark: () => source.summary().watermark,
      };
    },
    [
      ...opt.checkOptions(spec, RULES),
      ...((table === undefined) === (query === undefined) ? ['give either table or query'] : []),
    ],
    Object.keys(RULES),
  );
}
