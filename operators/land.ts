import { defineTask, type TaskSpec } from '../src/dag/task';
import type { JsonObject, TaskContext, TaskDefinition } from '../src/dag/types';
import { existingLanding, landRows, type Landed } from '../src/ingest/land';
import type { ColumnSpec, SourceRow } from '../src/lake/column-spec';
import { maskSecrets } from '../src/secrets/task-secrets';
import { recordIngestion, recordLandingOnce } from '../src/state/ingestion-log';
import * as opt from '../src/dag/operator-options';

/** The landing target's options, checked when the DAG file is parsed (with each operator's own). */
export const LAND_RULES: opt.OptionRules = {
  source: opt.required(opt.string),
  dataset: opt.required(opt.string),
  bucket: opt.string,
  hourly: opt.boolean,
  columns: opt.required(opt.columns),
};

/** Where a source's rows land: `<bucket>/<source>/<dataset>/dt=<ds>/part-0000.csv`. */
export interface LandTarget<I extends string, U extends string> extends Omit<TaskSpec<I, U>, 'run'> {
  readonly source: string;
  readonly dataset: string;
  /** Defaults to `raw` (bronze). */
  readonly bucket?: string;
  /** Partition by the run's hour too (`hr=HH/`), for hourly schedules. */
  readonly hourly?: boolean;
  readonly columns: readonly ColumnSpec[];
}

export interface Extract {
  readonly rows: AsyncIterable<SourceRow>;
  /** See `LandRequest.input`. */
  readonly input?: 'coerced' | 'json' | 'text';
  readonly watermark?: () => string | undefined;
  readonly rejects?: () => ReadonlyArray<{ at: string; error: string; raw: string }>;
  /** Logged after landing (pages fetched, retries …). */
  readonly describe?: () => string;
}

/**
 * The shared body of the source operators: unless the partition was landed already (raw is
 * written once, see `existingLanding`), open the source for this run, stream it into the lake,
 * and record the landing in the ingestion log (a failure too, then rethrow).
 */
export function landingTask<const I extends string, const U extends string>(
  operator: string,
  spec: LandTarget<I, U>,
  config: JsonObject,
  open: (ctx: TaskContext) => Promise<Extract> | Extract,
  problems: readonly string[],
  optionKeys: readonly string[],
): TaskDefinition<I, U> {
  const { source, dataset, bucket = 'raw', hourly, columns, ...task } = spec;
  return defineTask(
    operator,
    {
      ...task,
      run: async (ctx): Promise<Landed & { readonly kept?: true }> => {
        const started = Date.now();
        const run = { dagId: ctx.dagId, runId: ctx.runId, taskId: ctx.taskId };
        const name = `${source}.${dataset}`;
        const hour = hourly ? ctx.logicalDate.getUTCHours() : undefined;
        try {
          if (ctx.params.reland !== true) {
            const kept = await existingLanding(ctx.objectStore, bucket, source, dataset, ctx.ds, hour);
            if (kept) {
              ctx.log.info(
                '%s/%s was landed by an earlier run (%d rows); keeping it (trigger with --conf \'{"reland": true}\' to extract again)',
                bucket,
                kept.key,
                kept.rows,
              );
              const recorded = await recordLandingOnce(ctx.warehouse, {
                kind: 'land',
                status: 'success',
                source: name,
                bucket,
                objectKey: kept.key,
                ds: ctx.ds,
                rows: kept.rows,
                rejectedRows: kept.rejected,
                bytes: kept.bytes,
                checksum: kept.sha256,
                watermark: kept.watermark,
                run,
              });
              if (recorded)
                ctx.log.info(
                  'the ingestion log had no row for it (its landing ended before recording one): recorded it now',
                );
              // Said in the return value too, so that `dags test` and `tasks test` print it (src/actions/kept-notice.ts).
              return { ...kept, kept: true };
            }
          }
          const extract = await open(ctx);
          const landed = await landRows({
            store: ctx.objectStore,
            bucket,
            source,
            dataset,
            ds: ctx.ds,
            columns,
            hour,
            rows: extract.rows,
            input: extract.input,
            watermark: extract.watermark,
            rejects: extract.rejects,
          });
          ctx.log.info(
            'landed %d rows (%d bytes) in %s/%s%s%s',
            landed.rows,
            landed.bytes,
            landed.bucket,
            landed.key,
            landed.rejected ? `; ${landed.rejected} rejected rows in ${landed.bucket}/${landed.rejectsKey}` : '',
            extract.describe ? `; ${extract.describe()}` : '',
          );
          await recordIngestion(ctx.warehouse, {
            kind: 'land',
            status: 'success',
            source: name,
            bucket,
            objectKey: landed.key,
            ds: ctx.ds,
            rows: landed.rows,
            rejectedRows: landed.rejected,
            bytes: landed.bytes,
            checksum: landed.sha256,
            watermark: landed.watermark,
            durationMs: Date.now() - started,
            run,
          });
          return landed;
        } catch (e) {
          await recordIngestion(ctx.warehouse, {
            kind: 'land',
            status: 'failed',
            source: name,
            bucket,
            ds: ctx.ds,
            durationMs: Date.now() - started,
            error: maskSecrets(String((e as Error)?.message ?? e)).slice(0, 2000),
            run, // stored: no secret of the try
          }).catch(() => undefined);
          throw e;
        }
      },
    },
    // With problems (columns missing, say) the task is never run: its settings are left out.
    problems.length ? {} : { ...config, source, dataset, bucket, columns: columns.map((c) => `${c.name}:${c.type}`) },
    problems,
    optionKeys,
  );
}
