import { defineTask, type TaskSpec } from '../src/dag/task';
import type { TaskDefinition } from '../src/dag/types';
import { SluiceError } from '../src/errors/errors';
import { maskSecrets } from '../src/secrets/task-secrets';
import type { ColumnSpec } from '../src/lake/column-spec';
import { parseLakeKey, partitionPrefix } from '../src/lake/layout';
import { recordIngestion } from '../src/state/ingestion-log';
import { loadObjects, type LoadResult, type ReplaceScope } from '../src/warehouse/load-objects';
import { guardCall } from '../src/dag/guard-call';
import * as opt from '../src/dag/operator-options';
import type { NewColumnPolicy } from '../src/warehouse/raw-table';

export interface LoadToRawSpec<I extends string, U extends string> extends Omit<TaskSpec<I, U>, 'run'> {
  readonly source: string;
  readonly dataset: string;
  /** Defaults to `raw`. */
  readonly bucket?: string;
  /** Target `schema.table`; defaults to `raw.<source>_<dataset>`. */
  readonly table?: string;
  readonly hourly?: boolean;
  /** A column in the objects that the table lacks: 'error' (default) or 'add' it. */
  readonly onNewColumn?: NewColumnPolicy;
  /** Only for objects Sluice did not land (no schema metadata). */
  readonly columns?: readonly ColumnSpec[];
  /**
   * What a run's load replaces: `'partition'` (default), its day (or hour) and nothing else, so the
   * table accumulates runs; `'table'`, the whole table, for a source extracted whole every run (a
   * snapshot: reference data, a full dump), so a second day does not double it.
   */
  readonly replace?: ReplaceScope;
}

/**
 * The run's partition of a dataset in the lake → its raw table, with COPY: in one transaction the
 * partition's old rows go, the new ones come, the load is logged and the source's watermark moves.
 * Re-running a day leaves the table exactly as after the first run.
 */
export function loadToRaw<const I extends string, const U extends string = never>(
  spec: LoadToRawSpec<I, U>,
): TaskDefinition<I, U> {
  return guardCall('loadToRaw', spec, () => loadTask(spec));
}

const RULES: opt.OptionRules = {
  source: opt.required(opt.string),
  dataset: opt.required(opt.string),
  bucket: opt.string,
  table: opt.string,
  hourly: opt.boolean,
  onNewColumn: opt.oneOf('error', 'add'),
  columns: opt.columns,
  replace: opt.oneOf('partition', 'table'),
};

function loadTask<const I extends string, const U extends string>(spec: LoadToRawSpec<I, U>): TaskDefinition<I, U> {
  const { source, dataset, bucket = 'raw', table, hourly, onNewColumn, columns, replace, ...task } = spec;
  const problems = opt.checkOptions(spec, RULES);
  const [schema, name] =
    typeof table === 'string' && table.includes('.')
      ? table.split('.', 2)
      : ['raw', table ?? `${source}_${dataset}`.replace(/-/g, '_')];
  return defineTask(
    'load_to_raw',
    {
      ...task,
      produces: [`${schema}.${name}`, ...(task.produces ?? [])],
      run: async (ctx): Promise<LoadResult> => {
        const started = Date.now();
        const prefix = partitionPrefix(source, dataset, ctx.ds, hourly ? ctx.logicalDate.getUTCHours() : undefined);
        const run = { dagId: ctx.dagId, runId: ctx.runId, taskId: ctx.taskId };
        try {
          const keys = (await ctx.objectStore.list(bucket, prefix))
            .map((o) => o.key)
            .filter((k) => parseLakeKey(k)?.prefix === prefix);
          if (!keys.length)
            throw new SluiceError('LOAD_FAILED', `no objects under ${bucket}/${prefix} to load into ${schema}.${name}`);
          const r = await loadObjects(ctx.warehouse, {
            store: ctx.objectStore,
            bucket,
            keys,
            target: { schema, table: name },
            ds: ctx.ds,
            partition: prefix.slice(`${source}/${dataset}/`.length, -1),
            columns,
            onNewColumn,
            replace,
            source: `${source}.${dataset}`,
            run,
          });
          ctx.log.info(
            'loaded %d rows from %d object(s) (%d bytes) into %s.%s with %s; replaced %d rows of %s%s',
            r.rows,
            r.objects,
            r.bytes,
            schema,
            name,
            r.method === 'copy' ? 'COPY' : 'batched INSERT',
            r.replaced,
            replace === 'table' ? 'the whole table' : ctx.ds,
            r.watermark ? `; watermark ${r.watermark}` : '',
          );
          return r;
        } catch (e) {
          await recordIngestion(ctx.warehouse, {
            kind: 'load',
            status: 'failed',
            source: `${source}.${dataset}`,
            bucket,
            target: `${schema}.${name}`,
            ds: ctx.ds,
            durationMs: Date.now() - started,
            error: maskSecrets(String((e as Error)?.message ?? e)).slice(0, 2000),
            run,
          }).catch(() => undefined);
          throw e;
        }
      },
    },
    {
      source,
      dataset,
      bucket,
      table: `${schema}.${name}`,
      onNewColumn: onNewColumn ?? 'error',
      // Only when set, so DAGs written before the option keep their structure hash.
      ...(replace ? { replace } : {}),
    },
    problems,
    Object.keys(RULES),
  );
}
