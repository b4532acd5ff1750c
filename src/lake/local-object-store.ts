import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { ObjectInfo, ObjectStore, ObjectSummary } from './object-store';
import { byteCounter, dropBody, toStream } from './object-body';
import {
  byKey,
  checkBucket,
  checkContentType,
  checkDeclaredSize,
  checkKey,
  checkMetadata,
  checkSize,
  DEFAULT_CONTENT_TYPE,
  META_SUFFIX,
  TMP_PREFIX,
} from './object-names';
import { SluiceError } from '../errors/errors';

const TMP_DIR = TMP_PREFIX.slice(0, -1);

interface Sidecar {
  readonly contentType: string;
  readonly metadata: Record<string, string>;
}

/**
 * The embedded default: buckets are folders under `root`. A write goes to a temporary file in the
 * bucket's tmp folder and is renamed into place, so readers never see a partial object. Metadata
 * lives in a sidecar JSON file, renamed into place before the object itself.
 */
export function localObjectStore(root: string): ObjectStore {
  const bucketDir = (bucket: string) => path.join(root, checkBucket(bucket));
  const objectPath = (bucket: string, key: string) => path.join(bucketDir(bucket), ...checkKey(bucket, key).split('/'));
  const requireBucket = async (bucket: string, op: string, key?: string) => {
    const st = await fs.stat(bucketDir(bucket)).catch(() => undefined);
    if (!st?.isDirectory()) {
      throw new SluiceError(
        'OBJECT_STORE_FAILED',
        `bucket "${bucket}" does not exist in ${root} (${op} ${key === undefined ? 'bucket' : `${bucket}/${key}`}); create it first (ensureBucket)`,
      );
    }
  };
  const summary = async (bucket: string, key: string, file: string): Promise<ObjectSummary | undefined> => {
    const st = await fs.stat(file).catch(() => undefined);
    return st?.isFile() ? { bucket, key, size: st.size, lastModified: st.mtime } : undefined;
  };
  const info = async (bucket: string, key: string): Promise<ObjectInfo | undefined> => {
    const file = objectPath(bucket, key);
    const s = await summary(bucket, key, file);
    if (!s) return undefined;
    const side = await fs.readFile(file + META_SUFFIX, 'utf8').then(readSidecar, () => readSidecar('{}'));
    return { ...s, ...side };
  };

  return {
    async ensureBucket(bucket) {
      await fs.mkdir(path.join(bucketDir(bucket), TMP_DIR), { recursive: true });
    },
    async put(bucket, key, body, options = {}) {
      let tmp: string | undefined;
      try {
        const file = objectPath(bucket, key);
        checkDeclaredSize(bucket, key, options.size);
        const side: Sidecar = {
          contentType: checkContentType(bucket, key, options.contentType),
          metadata: checkMetadata(bucket, key, options.metadata),
        };
        await requireBucket(bucket, 'write', key);
        const tmpDir = path.join(bucketDir(bucket), TMP_DIR);
        await fs.mkdir(tmpDir, { recursive: true });
        tmp = path.join(tmpDir, randomUUID());
        const counter = byteCounter();
        const out = createWriteStream(tmp);
        // The file is opened asynchronously: if the body fails first, wait until the stream has
        // opened and closed the file, or removing it below could run before it exists.
        const closed = new Promise<void>((resolve) => {
          out.once('close', () => resolve());
        });
        await pipeline(toStream(body), counter, out).catch(async (e) => {
          await closed;
          throw e;
        });
        checkSize(bucket, key, options.size, counter.bytes);
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(tmp + '.meta', JSON.stringify(side));
        await fs.rename(tmp + '.meta', file + META_SUFFIX);
        await fs.rename(tmp, file);
      } catch (e) {
        dropBody(body);
        throw e;
      } finally {
        if (tmp) {
          await fs.rm(tmp, { force: true });
          await fs.rm(tmp + '.meta', { force: true });
        }
      }
      return (await info(bucket, key))!;
    },
    async get(bucket, key) {
      const file = objectPath(bucket, key);
      if (!(await info(bucket, key))) {
        await requireBucket(bucket, 'read', key);
        throw new SluiceError('OBJECT_STORE_FAILED', `object ${bucket}/${key} does not exist in ${root}`);
      }
      return createReadStream(file);
    },
    stat: info,
    async list(bucket, prefix = '') {
      await requireBucket(bucket, 'list');
      const out: ObjectSummary[] = [];
      const walk = async (dir: string, rel: string): Promise<void> => {
        const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
        for (const e of entries) {
          const key = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) {
            // Only descend where keys with the prefix can be.
            if (e.name !== TMP_DIR && (key.startsWith(prefix) || prefix.startsWith(key + '/')))
              await walk(path.join(dir, e.name), key);
          } else if (!e.name.endsWith(META_SUFFIX) && key.startsWith(prefix)) {
            const s = await summary(bucket, key, path.join(dir, e.name));
            if (s) out.push(s);
          }
        }
      };
      await walk(bucketDir(bucket), '');
      return out.sort(byKey);
    },
    async remove(bucket, key) {
      const file = objectPath(bucket, key);
      await requireBucket(bucket, 'remove', key);
      await fs.rm(file, { force: true });
      await fs.rm(file + META_SUFFIX, { force: true });
    },
  };
}

/** Sidecars written before content types were kept hold the bare metadata map. */
function readSidecar(text: string): Sidecar {
  const j = JSON.parse(text) as Record<string, unknown>;
  if (typeof j.contentType === 'string' && j.metadata && typeof j.metadata === 'object') return j as unknown as Sidecar;
  return { contentType: DEFAULT_CONTENT_TYPE, metadata: j as Record<string, string> };
}
