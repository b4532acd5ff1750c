import type { Config } from '../config/config';
import { isSluiceError, SluiceError } from '../errors/errors';
import { LAKE_BUCKETS } from '../lake/buckets';
import { decodeObjectMeta } from '../lake/object-metadata';
import type { ObjectStore, ObjectSummary } from '../lake/object-store';
import { openObjectStore } from '../lake/open-object-store';
import { activeDagStructures } from '../state/dags';
import { landingsOfObjects, loggedBuckets, type IngestionRow } from '../state/data-catalog';
import type { Runtime } from './runtime';

export interface LakeBucketListing {
  readonly name: string;
  readonly exists: boolean;
  readonly objects: number;
  readonly bytes: number;
}

/** A folder one level below the prefix; a Hive partition when it is `<column>=<value>`. */
export interface LakeFolder {
  readonly name: string;
  readonly prefix: string;
  readonly partition?: { readonly column: string; readonly value: string };
  readonly objects: number;
  readonly bytes: number;
}

export interface LakeObject {
  readonly key: string;
  /** The key's last segment. */
  readonly name: string;
  readonly size: number;
  readonly lastModified: Date;
  /** The Hive partition columns of its path (`dt`, `hr`). */
  readonly partition: Readonly<Record<string, string>>;
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly sha256: string | null;
  /** Where rows and sha256 come from: the ingestion log, the object's own metadata, or nowhere (not landed by Sluice). */
  readonly recordedIn: 'ingestion_log' | 'metadata' | null;
  /** The landing the ingestion log has for it. */
  readonly landed?: {
    readonly dagId: string | null;
    readonly runId: string | null;
    readonly taskId: string | null;
    readonly at: Date;
  };
}

export interface LakeListing {
  readonly bucket: string;
  readonly prefix: string;
  /** This level's folders (none when `recursive`). */
  readonly folders: readonly LakeFolder[];
  /** The page of objects: this level's, or every object under the prefix when `recursive`. */
  readonly objects: readonly LakeObject[];
  readonly total: number;
}

const stores = new WeakMap<Config['objectStore'], ObjectStore>();
const storeOf = (config: Pick<Config, 'objectStore'>) => {
  let s = stores.get(config.objectStore);
  if (!s) stores.set(config.objectStore, (s = openObjectStore(config.objectStore)));
  return s;
};

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PARTITION = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/;

/** The lake's buckets (the medallion ones, and every one a DAG or the ingestion log names), with what they hold. */
export async function lakeBuckets(rt: Pick<Runtime, 'db' | 'config'>): Promise<LakeBucketListing[]> {
  const named = new Set<string>([...Object.values(LAKE_BUCKETS), ...(await loggedBuckets(rt.db))]);
  for (const d of await activeDagStructures(rt.db))
    for (const t of d.structure.tasks) if (typeof t.config?.bucket === 'string') named.add(t.config.bucket);
  const out: LakeBucketListing[] = [];
  for (const name of [...named].filter((b) => BUCKET.test(b)).sort()) {
    const all = await listBucket(storeOf(rt.config), name);
    out.push({
      name,
      exists: all !== undefined,
      objects: all?.length ?? 0,
      bytes: all?.reduce((n, o) => n + o.size, 0) ?? 0,
    });
  }
  return out;
}

/**
 * Objects of a bucket under a prefix, with their rows, bytes and sha256 from the ingestion log (or,
 * for objects it has no landing for, from the object's metadata). A prefix is `/`-separated, with no
 * empty, `.` or `..` segment: anything else is refused (USAGE), and a bucket that does not exist is
 * NOT_FOUND.
 */
export async function listLake(
  rt: Pick<Runtime, 'db' | 'config'>,
  req: { bucket: string; prefix?: string; recursive?: boolean; limit: number; offset: number },
): Promise<LakeListing> {
  const prefix = checkPrefix(req.prefix ?? '');
  if (!BUCKET.test(req.bucket)) throw new SluiceError('NOT_FOUND', `no bucket "${req.bucket}" in the lake`);
  const store = storeOf(rt.config);
  const all = (await listBucket(store, req.bucket, prefix)) ?? noBucket(req.bucket);
  const folders = new Map<string, { objects: number; bytes: number }>();
  const here: ObjectSummary[] = [];
  for (const o of all) {
    const rest = o.key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (req.recursive || slash === -1) here.push(o);
    else {
      const f = folders.get(rest.slice(0, slash)) ?? { objects: 0, bytes: 0 };
      folders.set(rest.slice(0, slash), { objects: f.objects + 1, bytes: f.bytes + o.size });
    }
  }
  const page = here.slice(req.offset, req.offset + req.limit);
  const logged = await landingsOfObjects(
    rt.db,
    req.bucket,
    page.map((o) => o.key),
  );
  const objects = await Promise.all(page.map((o) => describeObject(store, o, logged.get(o.key))));
  return {
    bucket: req.bucket,
    prefix,
    folders: [...folders].map(([name, f]) => {
      const m = PARTITION.exec(name);
      return { name, prefix: `${prefix}${name}/`, ...(m ? { partition: { column: m[1], value: m[2] } } : {}), ...f };
    }),
    objects,
    total: here.length,
  };
}

function noBucket(bucket: string): never {
  throw new SluiceError('NOT_FOUND', `no bucket "${bucket}" in the lake`);
}

/** A listing, or undefined when the bucket does not exist. */
async function listBucket(store: ObjectStore, bucket: string, prefix = ''): Promise<ObjectSummary[] | undefined> {
  try {
    return await store.list(bucket, prefix);
  } catch (e) {
    if (isSluiceError(e) && /^bucket ".*" does not exist/.test(e.message)) return undefined;
    throw e;
  }
}

function checkPrefix(prefix: string): string {
  if (prefix === '') return '';
  const segments = prefix.replace(/\/$/, '').split('/');
  if (/[\\\u0000-\u001f\u007f]/.test(prefix) || segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new SluiceError(
      'USAGE',
      `invalid lake path "${prefix}": "/"-separated names, no empty, "." or ".." segment, no backslash or control character`,
    );
  return prefix;
}

async function describeObject(
  store: ObjectStore,
  o: ObjectSummary,
  log: IngestionRow | undefined,
): Promise<LakeObject> {
  const segments = o.key.split('/');
  const partition: Record<string, string> = {};
  for (const s of segments.slice(0, -1)) {
    const m = PARTITION.exec(s);
    if (m) partition[m[1]] = m[2];
  }
  const base = { key: o.key, name: segments.at(-1)!, size: o.size, lastModified: o.lastModified, partition };
  if (log)
    return {
      ...base,
      rows: log.rows,
      bytes: log.bytes,
      sha256: log.checksum,
      recordedIn: 'ingestion_log',
      landed: { dagId: log.dag_id, runId: log.run_id, taskId: log.task_id, at: log.created_at },
    };
  const meta = await store
    .stat(o.bucket, o.key)
    .then((i) => (i ? decodeObjectMeta(i.metadata, `${o.bucket}/${o.key}`) : undefined))
    .catch(() => undefined);
  return meta
    ? { ...base, rows: meta.rows, bytes: o.size, sha256: meta.sha256 || null, recordedIn: 'metadata' }
    : { ...base, rows: null, bytes: null, sha256: null, recordedIn: null };
}
