import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { SluiceError } from '../errors/errors';
import type { ColumnSpec } from '../lake/column-spec';
import { decodeObjectMeta, type LakeObjectMeta } from '../lake/object-metadata';
import type { ObjectStore } from '../lake/object-store';
import { quoteIdent } from '../db/quote';
import { insertCsv } from './insert-csv';
import { Utf8Checker } from '../lake/strict-utf8';
import { recordIngestion, type RunRefs } from '../state/ingestion-log';
import { advanceWatermark } from '../state/watermarks';
import {
  createSideTable,
  dropOtherPartitions,
  ensureRawTable,
  qualified,
  setSourceObject,
  swapPartition,
  type NewColumnPolicy,
  type RawTable,
} from './raw-table';
import type { Warehouse, WarehouseTx } from '../db/queryable';

export interface LoadRequest {
  readonly store: ObjectStore;
  readonly bucket: string;
  /** The objects of one partition, loaded together. */
  readonly keys: readonly string[];
  readonly target: RawTable;
  /** The run's day (`_ds` of every row). */
  readonly ds: string;
  /** The lake partition the objects are (`dt=2026-03-01`, `dt=2026-03-01/hr=05`): its rows are replaced. Default `dt=<ds>`. */
  readonly partition?: string;
  /** For objects Sluice did not land (no schema metadata): their columns, in file order. */
  readonly columns?: readonly ColumnSpec[];
  readonly onNewColumn?: NewColumnPolicy;
  /** What the load replaces: its partition (default), or the whole table (a snapshot source). */
  readonly replace?: ReplaceScope;
  /** Name in the ingestion log and of the watermark this load may advance. */
  readonly source: string;
  readonly run?: RunRefs;
}

/**
 * `partition`: the run's partition is replaced and the others stay (an append-only or incremental
 * source: the table accumulates days). `table`: every other partition goes too, so the table is the
 * snapshot just loaded (a source extracted whole every run: reference data, a full dump).
 */
export type ReplaceScope = 'partition' | 'table';

export interface LoadResult {
  readonly rows: number;
  readonly bytes: number;
  readonly objects: number;
  /** Rows earlier loads had written that this one replaced (of its partition, or of the whole table). */
  readonly replaced: number;
  readonly watermark?: string;
  readonly method: 'copy' | 'insert';
}

/**
 * Object(s) of one partition → a raw table, in one transaction: create or check the table, COPY
 * each object into a side table for the partition (batched INSERTs where COPY is unavailable),
 * verify the row count and checksum recorded when the object was landed, swap the side table in
 * for the partition's old rows, log the load and advance the source's watermark. Any failure rolls
 * all of it back: the table and the watermark stay as they were.
 */
export async function loadObjects(wh: Warehouse, req: LoadRequest): Promise<LoadResult> {
  const started = Date.now();
  const objects = await Promise.all(
    req.keys.map(async (key) => {
      const ref = `${req.bucket}/${key}`;
      const info = await req.store.stat(req.bucket, key);
      if (!info) throw new SluiceError('LOAD_FAILED', `object ${ref} does not exist`);
      const meta = decodeObjectMeta(info.metadata, ref);
      const columns = meta?.columns ?? req.columns;
      if (!columns)
        throw new SluiceError(
          'LOAD_FAILED',
          `object ${ref} has no sluice-schema metadata: declare its columns in the load`,
        );
      return { key, ref, size: info.size, meta, columns };
    }),
  );
  if (!objects.length)
    throw new SluiceError(
      'LOAD_FAILED',
      `no objects to load into ${req.target.schema}.${req.target.table} for ${req.ds}`,
    );
  const shape = (c: readonly ColumnSpec[]) => c.map((x) => `${x.name}:${x.type}`).join(',');
  const odd = objects.find((o) => shape(o.columns) !== shape(objects[0].columns));
  if (odd)
    throw new SluiceError(
      'LOAD_FAILED',
      `${odd.ref} has other columns than ${objects[0].ref}; one partition must have one schema`,
    );

  const watermark = objects
    .map((o) => o.meta?.watermark)
    .filter((w): w is string => w !== undefined)
    .at(-1);
  return wh.transaction(async (tx) => {
    const partition = req.partition ?? `dt=${req.ds}`;
    // One load per raw table at a time: two re-loads would each hold a lock on the parent (from
    // CREATE TABLE … LIKE) and then wait for the other's in DETACH PARTITION, a deadlock.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `sluice.raw-load:${req.target.schema}.${req.target.table}`,
    ]);
    await ensureRawTable(tx, req.target, objects[0].columns, req.onNewColumn ?? 'error', objects[0].ref);
    const side = await createSideTable(tx, req.target, partition, req.ds);
    let rows = 0;
    for (const o of objects) {
      await setSourceObject(tx, side, o.ref);
      const n = await loadOne(tx, req, side, o);
      rows += n;
      await recordIngestion(tx, {
        kind: 'load',
        status: 'success',
        source: req.source,
        bucket: req.bucket,
        objectKey: o.key,
        ds: req.ds,
        target: `${req.target.schema}.${req.target.table}`,
        rows: n,
        bytes: o.size,
        checksum: o.meta?.sha256,
        watermark: o.meta?.watermark,
        durationMs: Date.now() - started,
        run: req.run,
      });
    }
    let replaced = await swapPartition(tx, req.target, side, partition);
    if (req.replace === 'table') replaced += await dropOtherPartitions(tx, req.target, partition);
    if (watermark !== undefined) {
      await advanceWatermark(tx, {
        source: req.source,
        value: watermark,
        objectRef: objects.at(-1)!.ref,
        ds: req.ds,
        run: req.run,
      });
    }
    return {
      rows,
      bytes: objects.reduce((n, o) => n + o.size, 0),
      objects: objects.length,
      replaced,
      watermark,
      method: tx.copyFrom ? 'copy' : 'insert',
    };
  });
}

interface Planned {
  readonly key: string;
  readonly ref: string;
  readonly meta: LakeObjectMeta | undefined;
  readonly columns: readonly ColumnSpec[];
}

async function loadOne(tx: WarehouseTx, req: LoadRequest, side: RawTable, o: Planned): Promise<number> {
  const hash = createHash('sha256');
  const source = await req.store.get(req.bucket, o.key);
  // COPY is checked here too, so both databases refuse bad UTF-8 with the same message (object, line, byte).
  const utf8 = new Utf8Checker(o.ref);
  let invalid: unknown;
  const body: Readable = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      try {
        utf8.check(chunk);
      } catch (e) {
        invalid = e;
        return done(e as Error);
      }
      done(null, chunk);
    },
    flush(done) {
      try {
        utf8.end();
      } catch (e) {
        invalid = e;
        return done(e as Error);
      }
      done();
    },
  });
  // `pipe` does not pass errors on: a read failing half way (a connection reset) must fail the load, not hang it.
  source.on('error', (e) => body.destroy(e));
  source.pipe(body as Transform);
  const names = o.columns.map((c) => c.name);
  const table = qualified(side);
  let rows: number;
  try {
    rows = tx.copyFrom
      ? await tx.copyFrom(
          `COPY ${table} (${names.map(quoteIdent).join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER MATCH)`,
          body,
        )
      : await insertCsv(tx, table, names, body, o.ref);
  } catch (e) {
    if (invalid) throw invalid;
    if (e instanceof SluiceError) throw e;
    throw new SluiceError(
      'LOAD_FAILED',
      `loading ${o.ref} into ${req.target.schema}.${req.target.table} failed: ${(e as Error).message}`,
    );
  }
  if (o.meta && rows !== o.meta.rows) {
    throw new SluiceError('LOAD_FAILED', `${o.ref}: loaded ${rows} rows but the object was landed with ${o.meta.rows}`);
  }
  const digest = hash.digest('hex');
  if (o.meta?.sha256 && digest !== o.meta.sha256) {
    throw new SluiceError(
      'LOAD_FAILED',
      `${o.ref}: checksum ${digest} differs from ${o.meta.sha256} recorded when it was landed`,
    );
  }
  return rows;
}
