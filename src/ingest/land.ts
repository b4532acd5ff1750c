import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../lake/object-store';
import { decodeObjectMeta, encodeObjectMeta } from '../lake/object-metadata';
import { partKey, partitionPrefix } from '../lake/layout';
import { csvObject } from './csv-writer';
import { rejectsObject } from './rejects';
import { compileRow } from '../lake/columns';
import type { ColumnSpec, SourceRow } from '../lake/column-spec';

export interface LandRequest {
  readonly store: ObjectStore;
  readonly bucket: string;
  readonly source: string;
  readonly dataset: string;
  readonly ds: string;
  readonly hour?: number;
  readonly columns: readonly ColumnSpec[];
  readonly rows: AsyncIterable<SourceRow>;
  /**
   * What the rows' values are: already in columns.ts's canonical form ('coerced', the file source),
   * parsed JSON values ('json': HTTP, the Postgres source) or text ('text'). Default 'coerced'.
   */
  readonly input?: 'coerced' | 'json' | 'text';
  /** Read after the rows are consumed: the source's new watermark, if incremental. */
  readonly watermark?: () => string | undefined;
  /** Rows the source rejected (reject mode), written next to the data as NDJSON. */
  readonly rejects?:
    | AsyncIterable<{ at: string; error: string; raw: string }>
    | (() => ReadonlyArray<{ at: string; error: string; raw: string }>);
  /** Folder for the spool file (defaults to the OS temp folder). */
  readonly tmpDir?: string;
}

export interface Landed {
  readonly bucket: string;
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly watermark?: string;
  readonly rejected: number;
  readonly rejectsKey?: string;
}

/**
 * Streams a source's rows into one lake object, `<source>/<dataset>/dt=<ds>/part-0000.csv`. The CSV
 * is spooled to a local file first so the upload knows its size, row count and checksum up front
 * (they go into the object's metadata) and a source that fails halfway uploads nothing. Stale parts
 * of the partition from an earlier run are removed once the new object is in place.
 */
export async function landRows(req: LandRequest): Promise<Landed> {
  const prefix = partitionPrefix(req.source, req.dataset, req.ds, req.hour);
  const key = partKey(prefix, 0, 'csv');
  const spool = path.join(req.tmpDir ?? os.tmpdir(), `sluice-land-${randomUUID()}.csv`);
  try {
    const input = req.input && req.input !== 'coerced' ? coerce(req.rows, req.columns, req.input) : req.rows;
    const csv = csvObject(input, req.columns);
    await pipeline(csv.stream, createWriteStream(spool));
    const { rows, bytes, sha256 } = await csv.done;
    const watermark = req.watermark?.();
    const rejected = await landRejects(req, prefix);
    await req.store.ensureBucket(req.bucket);
    await req.store.put(req.bucket, key, createReadStream(spool), {
      size: bytes,
      contentType: 'text/csv',
      metadata: encodeObjectMeta({ rows, sha256, columns: req.columns, watermark, rejected: rejected.count }),
    });
    for (const stale of await req.store.list(req.bucket, prefix)) {
      if (stale.key !== key) await req.store.remove(req.bucket, stale.key);
    }
    return {
      bucket: req.bucket,
      key,
      rows,
      bytes,
      sha256,
      watermark,
      rejected: rejected.count,
      rejectsKey: rejected.key,
    };
  } finally {
    await fs.rm(spool, { force: true });
  }
}

async function landRejects(req: LandRequest, prefix: string): Promise<{ count: number; key?: string }> {
  if (!req.rejects) return { count: 0 };
  const items = typeof req.rejects === 'function' ? req.rejects() : req.rejects;
  const out = rejectsObject(items);
  const chunks: Buffer[] = [];
  for await (const c of out.stream) chunks.push(c as Buffer);
  const { rows } = await out.done;
  // Beside the partition, not in it: a loader listing the partition never picks rejects up.
  const key = `_rejects/${prefix}part-0000.ndjson`;
  if (!rows) {
    await req.store.remove(req.bucket, key).catch(() => undefined);
    return { count: 0 };
  }
  await req.store.ensureBucket(req.bucket);
  await req.store.put(req.bucket, key, Buffer.concat(chunks), { contentType: 'application/x-ndjson' });
  return { count: rows, key };
}

async function* coerce(
  rows: AsyncIterable<SourceRow>,
  columns: readonly ColumnSpec[],
  input: 'json' | 'text',
): AsyncGenerator<SourceRow> {
  const row = compileRow(columns, { input });
  for await (const r of rows) yield { values: row.fromRecord(r.values, r.at), at: r.at };
}

/**
 * The partition's object when an earlier run already landed it completely. `raw` is the bronze
 * copy, written once: a re-run reloads what was landed rather than extracting again from a source
 * that has moved on (an OLTP table whose rows were updated since, an API that changed), so
 * re-running a day reproduces that day. Relanding is an explicit choice (`reland` in the run's conf).
 */
export async function existingLanding(
  store: ObjectStore,
  bucket: string,
  source: string,
  dataset: string,
  ds: string,
  hour?: number,
): Promise<Landed | undefined> {
  const prefix = partitionPrefix(source, dataset, ds, hour);
  const key = partKey(prefix, 0, 'csv');
  const info = await store.stat(bucket, key);
  const meta = info && decodeObjectMeta(info.metadata, `${bucket}/${key}`);
  if (!info || !meta) return undefined;
  return {
    bucket,
    key,
    rows: meta.rows,
    bytes: info.size,
    sha256: meta.sha256,
    watermark: meta.watermark,
    rejected: meta.rejected ?? 0,
  };
}
